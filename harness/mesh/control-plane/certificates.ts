/**
 * The mesh's certificate authority: one CA per run, and a leaf certificate per workload
 * identity carrying `spiffe://cluster.local/ns/<ns>/sa/<sa>` as its URI SAN, as istiod
 * issues them. Keys come from node:crypto (native, fast); node-forge builds and signs the
 * X.509 structures, which node:crypto cannot do.
 */
import { generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

export const TRUST_DOMAIN = 'cluster.local';
/** Position of subjectPublicKeyInfo in a TBSCertificate (after version, serial, signature, issuer, validity, subject). */
const SPKI_INDEX = 6;

export interface WorkloadIdentity {
  namespace: string;
  serviceAccount: string;
}

export interface IssuedCertificate {
  spiffeId: string;
  certPem: string;
  keyPem: string;
}

export function spiffeId(identity: WorkloadIdentity): string {
  return `spiffe://${TRUST_DOMAIN}/ns/${identity.namespace}/sa/${identity.serviceAccount}`;
}

function rsaKeyPair(): { publicPem: string; privatePem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return { publicPem: publicKey, privatePem: privateKey };
}

/**
 * A positive 16-byte serial in hex, encoded by node-forge byte for byte as a DER INTEGER.
 * The first byte is 0x01-0x7f: a clear top bit keeps it positive, and a non-zero first byte
 * keeps the encoding minimal (a leading 0x00 before a byte below 0x80 is "illegal padding"
 * to OpenSSL, which then refuses the certificate: one mesh start in a few hundred failed).
 */
export function certificateSerial(bytes: Buffer = randomBytes(16)): string {
  const out = Buffer.from(bytes);
  out[0] = (out[0] & 0x7f) || 0x01;
  return out.toString('hex');
}

function validity(cert: forge.pki.Certificate): void {
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(now + 24 * 60 * 60 * 1000);
}

/** node-forge exports this at run time; its type definitions omit it. */
interface ForgeTbs {
  getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1;
}

export class CertificateAuthority {
  readonly caPem: string;
  private readonly caKey: forge.pki.rsa.PrivateKey;
  private readonly caKeyPem: string;
  private readonly caCert: forge.pki.Certificate;
  private readonly issued = new Map<string, IssuedCertificate>();

  constructor() {
    const keys = rsaKeyPair();
    this.caKeyPem = keys.privatePem;
    this.caKey = forge.pki.privateKeyFromPem(keys.privatePem) as forge.pki.rsa.PrivateKey;
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.publicKeyFromPem(keys.publicPem);
    cert.serialNumber = certificateSerial();
    validity(cert);
    const subject = [{ name: 'organizationName', value: TRUST_DOMAIN }, { name: 'commonName', value: 'resilience-bench local mesh CA' }];
    cert.setSubject(subject);
    cert.setIssuer(subject);
    cert.setExtensions([
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ]);
    cert.sign(this.caKey, forge.md.sha256.create());
    this.caCert = cert;
    this.caPem = forge.pki.certificateToPem(cert);
  }

  /** The leaf for `identity`, issued once per run and reused by every replica of the workload. */
  issue(identity: WorkloadIdentity): IssuedCertificate {
    const id = spiffeId(identity);
    const existing = this.issued.get(id);
    if (existing) return existing;
    // ECDSA P-256 leaf keys, as istiod issues by default: a TLS handshake signs with the
    // leaf key, and an EC signature costs a fraction of an RSA-2048 one, which matters
    // when per-try timeouts close connections and every retry opens a new one.
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const cert = forge.pki.createCertificate();
    // node-forge encodes only RSA keys: build the structure around the CA's key as a
    // placeholder, then put the leaf's EC SubjectPublicKeyInfo in its place.
    cert.publicKey = this.caCert.publicKey;
    cert.serialNumber = certificateSerial();
    validity(cert);
    cert.setSubject([{ name: 'organizationName', value: TRUST_DOMAIN }]);
    cert.setIssuer(this.caCert.subject.attributes);
    cert.setExtensions([
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
      // type 6 = uniformResourceIdentifier: the SPIFFE identity peers verify.
      { name: 'subjectAltName', critical: true, altNames: [{ type: 6, value: id }] },
      { name: 'authorityKeyIdentifier', keyIdentifier: this.caCert.generateSubjectKeyIdentifier().getBytes() },
    ]);
    cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption;
    const tbs = (forge.pki as unknown as ForgeTbs).getTBSCertificate(cert);
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    (tbs.value as forge.asn1.Asn1[])[SPKI_INDEX] = forge.asn1.fromDer(forge.util.createBuffer(spki.toString('binary')));
    const tbsDer = Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary');
    const signature = sign('sha256', tbsDer, this.caKeyPem);
    const { asn1 } = forge;
    const certificate = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      tbs,
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(forge.pki.oids.sha256WithRSAEncryption).getBytes()),
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''),
      ]),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\x00${signature.toString('binary')}`),
    ]);
    const certPem = forge.pem.encode({ type: 'CERTIFICATE', body: asn1.toDer(certificate).getBytes() });
    const leaf = { spiffeId: id, certPem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
    this.issued.set(id, leaf);
    return leaf;
  }
}

/** The SPIFFE URI SAN of a peer certificate (`subjectaltname` as node reports it), if any. */
export function spiffeIdFromSubjectAltName(subjectAltName: string | undefined): string | undefined {
  if (!subjectAltName) return undefined;
  for (const part of subjectAltName.split(',')) {
    const trimmed = part.trim();
    if (trimmed.startsWith('URI:spiffe://')) return trimmed.slice('URI:'.length);
  }
  return undefined;
}

/** SPIFFE identity in a PEM certificate (used by tests and diagnostics). */
export function spiffeIdOfPem(pem: string): string | undefined {
  return spiffeIdFromSubjectAltName(new X509Certificate(pem).subjectAltName);
}
