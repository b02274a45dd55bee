import { expect } from 'chai';
import { parseManifests } from '../../harness/yaml/parse-manifests.ts';
import { groupIstioConfig, validateIstioObjects } from '../../harness/istio/validate/validate-config.ts';

function validate(text: string) {
  const parsed = parseManifests(text, 'policy.yaml', { defaultNamespace: 'ns1' });
  return [...parsed.errors, ...validateIstioObjects(parsed.objects)].map((e) => ({ code: e.code, line: e.location?.line, message: e.message, fix: e.fix }));
}

const vs = (retries: string, extra = '') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: app
spec:
  hosts: [app]
  http:
    - route:
        - destination: { host: app }
${extra}      retries:
${retries}`;

describe('Istio validation', () => {
  it('accepts valid objects of every kind and groups them', () => {
    const text = `${vs('        attempts: 3\n        perTryTimeout: 1.5s\n        retryOn: 5xx,503,connect-failure\n', '      timeout: 10s\n')}---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: { name: app }
spec:
  host: app
  trafficPolicy:
    connectionPool: { tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1 } }
    outlierDetection: { consecutive5xxErrors: 3, interval: 1s, baseEjectionTime: 30s, maxEjectionPercent: 100 }
---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: { name: app }
spec:
  selector: { matchLabels: { app: app } }
  mtls: { mode: STRICT }
  portLevelMtls: { "5000": { mode: PERMISSIVE } }
---
apiVersion: networking.istio.io/v1alpha3
kind: Gateway
metadata: { name: gw }
spec:
  selector: { istio: ingressgateway }
  servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: ["*"] }]
`;
    expect(validate(text)).to.deep.equal([]);
    const parsed = parseManifests(text, 'policy.yaml', { defaultNamespace: 'ns1' });
    const config = groupIstioConfig(parsed.objects);
    expect([config.virtualServices.length, config.destinationRules.length, config.peerAuthentications.length, config.gateways.length]).to.deep.equal([1, 1, 1, 1]);
    expect(config.virtualServices[0].metadata.namespace).to.equal('ns1');
    expect(config.virtualServices[0].lines?.['spec.http[0].retries.retryOn']).to.equal(14);
  });

  it('rejects unknown retryOn words but accepts status codes', () => {
    expect(validate(vs('        attempts: 3\n        retryOn: 5xx,500,gateway-errors\n'))).to.deep.equal([
      { code: 'ISTIO_INVALID_FIELD', line: 12, message: 'spec.http[0].retries.retryOn: `gateway-errors` is not a valid retryOn condition', fix: 'did you mean `gateway-error`?' },
    ]);
    expect(validate(vs('        attempts: 3\n        retryOn: "700"\n'))[0].code).to.equal('ISTIO_INVALID_FIELD');
  });

  it('checks retryOn entries as istiod does: untrimmed, and only status codes Go names', () => {
    const retryOn = (value: string) => validate(vs(`        attempts: 3\n        retryOn: "${value}"\n`));
    expect(retryOn('5xx, reset')).to.deep.equal([
      {
        code: 'ISTIO_INVALID_FIELD',
        line: 12,
        message: 'spec.http[0].retries.retryOn: ` reset` has spaces around it: istiod does not trim retryOn entries',
        fix: 'write the entries without spaces, e.g. `retryOn: 5xx,reset`',
      },
    ]);
    expect(retryOn('503 ,5xx')[0]?.message).to.contain('`503 ` has spaces around it');
    for (const unknown of ['306', '419', '509', '599', '100000']) {
      expect(retryOn(`5xx,${unknown}`)[0]?.message, unknown).to.contain(`status code ${unknown} is not an HTTP status istiod knows`);
    }
    for (const known of ['100', '226', '308', '418', '425', '451', '508', '511', '+503', '0503']) {
      expect(retryOn(`5xx,${known}`), known).to.deep.equal([]);
    }
    expect(retryOn('5xx,,reset')[0]?.message).to.contain('empty entry');
  });

  it('rejects attempts 0 together with perTryTimeout or retryOn, and negative attempts', () => {
    const errors = validate(vs('        attempts: 0\n        perTryTimeout: 5ms\n'));
    expect(errors).to.have.length(1);
    expect(errors[0]).to.include({ code: 'ISTIO_INVALID_FIELD', line: 11 });
    expect(errors[0].message).to.contain('cannot be set when attempts is 0');
    expect(validate(vs('        attempts: -1\n'))[0]).to.include({ code: 'ISTIO_INVALID_FIELD', line: 11 });
  });

  it('checks durations: units required, at least 1ms', () => {
    expect(validate(vs('        attempts: 1\n        perTryTimeout: 5\n'))[0]).to.include({ code: 'ISTIO_INVALID_FIELD', line: 12 });
    expect(validate(vs('        attempts: 1\n        perTryTimeout: 500us\n'))[0].message).to.contain('at least 1ms');
    expect(validate(vs('        attempts: 1\n', '      timeout: 0s\n'))).to.deep.equal([]);
  });

  it('reports unknown fields with the closest valid name', () => {
    expect(validate(vs('        attempts: 1\n        retryon: 5xx\n'))).to.deep.equal([
      { code: 'ISTIO_UNKNOWN_FIELD', line: 12, message: 'unknown field `retryon` in spec.http[0].retries', fix: 'did you mean `retryOn`?' },
    ]);
  });

  it('checks percentages, abort status and mTLS modes', () => {
    const fault = vs('        attempts: 1\n', '      fault:\n        abort: { httpStatus: 700, percentage: { value: 120 } }\n');
    expect(validate(fault).map((e) => e.line)).to.deep.equal([11, 11]);
    const pa = 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: { name: x }\nspec:\n  mtls: { mode: STRIKT }\n';
    expect(validate(pa)[0]).to.include({ code: 'ISTIO_INVALID_FIELD', line: 5, fix: 'did you mean `STRICT`?' });
  });

  it('requires a selector for portLevelMtls', () => {
    const pa = 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: { name: x }\nspec:\n  mtls: { mode: STRICT }\n  portLevelMtls:\n    "5000": { mode: DISABLE }\n';
    expect(validate(pa)).to.deep.equal([
      { code: 'ISTIO_INVALID_FIELD', line: 6, message: 'portLevelMtls requires a workload selector', fix: 'add `selector: { matchLabels: { app: … } }` or use spec.mtls for the whole namespace' },
    ]);
  });

  it('rejects wrong kinds and apiVersions', () => {
    expect(validate('apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: x }\nspec: {}\n')[0]).to.include({ code: 'ISTIO_UNKNOWN_KIND', line: 2 });
    expect(validate('apiVersion: security.istio.io/v1alpha1\nkind: PeerAuthentication\nmetadata: { name: x }\nspec: {}\n')[0]).to.include({ code: 'ISTIO_BAD_API_VERSION', line: 1 });
    expect(validate('apiVersion: networking.istio.io/v1\nkind: VirtualServise\nmetadata: { name: x }\nspec: {}\n')[0].fix).to.equal('did you mean `VirtualService`?');
  });
});
