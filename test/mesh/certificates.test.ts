/**
 * The mesh CA's certificates: serial numbers must be minimal positive DER integers, or
 * OpenSSL refuses the certificate ("illegal padding") and the mesh fails to start.
 */
import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { CertificateAuthority, certificateSerial } from '../../harness/mesh/control-plane/certificates.ts';

describe('mesh certificates', () => {
  it('serials start with a byte from 0x01 to 0x7f, whatever the random bytes (every first byte tried)', () => {
    for (let first = 0; first < 256; first++) {
      const random = Buffer.alloc(16, 0);
      random[0] = first;
      const serial = Buffer.from(certificateSerial(random), 'hex');
      expect(serial.length, `first byte ${first}`).to.equal(16);
      expect(serial[0], `first byte ${first}`).to.be.within(0x01, 0x7f);
      expect(serial.subarray(1).equals(random.subarray(1))).to.equal(true);
    }
  });

  it('issues leaves that OpenSSL loads, with the SPIFFE identity as URI SAN', () => {
    const ca = new CertificateAuthority();
    const leaf = ca.issue({ namespace: 'retryns', serviceAccount: 'appflaky' });
    expect(() => tls.createSecureContext({ ca: ca.caPem, cert: leaf.certPem, key: leaf.keyPem })).not.to.throw();
    expect(new X509Certificate(leaf.certPem).subjectAltName).to.equal('URI:spiffe://cluster.local/ns/retryns/sa/appflaky');
  });
});
