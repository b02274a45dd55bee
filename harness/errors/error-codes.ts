/**
 * Every error code a user can meet, in one typed catalogue: what it means, the usual fix,
 * and the exit code it leads to. A `UserError` can only carry a code listed here (the
 * type says so, and test/errors/error-codes.test.ts checks the sources), so the README's
 * promise of documented codes holds. The message and fix at the throw site add the
 * specifics (which file, which field); the text here is the general case.
 *
 * Exit codes: `usage` (2) is a mistake in the command, the plan or its files: nothing ran.
 * `environment` (3) is a machine or cluster that cannot run the plan as it stands (k6
 * missing, cluster unreachable, permissions, a port in use, a results folder that cannot
 * be written).
 */

export type ErrorKind = 'usage' | 'environment';

export interface ErrorCodeInfo {
  kind: ErrorKind;
  /** What went wrong, in one line. */
  meaning: string;
  /** What usually fixes it. */
  fix: string;
}

export const ERROR_CODES = {
  // The command line.
  USAGE: { kind: 'usage', meaning: 'a command, option or argument the CLI does not accept', fix: 'see `bench --help` or `bench <command> --help`' },

  // Plan files (manifests/plans/README.md).
  PLAN_NOT_FOUND: { kind: 'usage', meaning: 'no shipped plan has that name and no file has that path', fix: '`bench plans` lists the shipped plans; give a path to use your own' },
  PLAN_FILE_NOT_FOUND: { kind: 'usage', meaning: 'a file the plan names (manifest, scenario) does not exist', fix: 'paths in a plan are relative to the plan file' },
  PLAN_YAML_SYNTAX: { kind: 'usage', meaning: 'the plan or one of its manifests is not valid YAML', fix: 'fix the YAML at the line given' },
  PLAN_UNKNOWN_FIELD: { kind: 'usage', meaning: 'a plan field the format does not have (often a typo)', fix: 'use the field the message suggests, or see manifests/plans/README.md' },
  PLAN_MISSING_FIELD: { kind: 'usage', meaning: 'a required plan field is missing', fix: 'add the field named in the message' },
  PLAN_BAD_VALUE: { kind: 'usage', meaning: 'a plan field has a value of the wrong type or out of range', fix: 'use a value of the kind the message gives' },
  PLAN_BAD_URL: { kind: 'usage', meaning: "the scenario's URL is not an http(s) URL of a Service in the plan", fix: 'use http://<service>.<namespace>.svc.cluster.local/<path>' },
  PLAN_DUPLICATE_STAGE: { kind: 'usage', meaning: 'two stages have the same name', fix: 'give every stage its own name' },
  PLAN_NO_STAGES: { kind: 'usage', meaning: 'the plan has no stage to run', fix: 'add at least one stage' },
  PLAN_UNKNOWN_STAGE: { kind: 'usage', meaning: '--stage names a stage the plan does not have', fix: 'use a stage name from the plan' },
  PLAN_UNKNOWN_VANTAGE: { kind: 'usage', meaning: '--vantage names a vantage the plan does not run', fix: "use one of the plan's vantages" },
  PLAN_GATEWAY_MISSING: { kind: 'usage', meaning: 'the gateway vantage is asked for but no stage config has a Gateway', fix: 'add a Gateway to the config, or drop the gateway vantage' },
  SCENARIO_NOT_FOUND: { kind: 'usage', meaning: "the plan's scenario script does not exist", fix: 'name a file under scenarios/ or a path relative to the plan' },

  // Workload manifests (Deployments, Services).
  WORKLOAD_UNKNOWN_KIND: { kind: 'usage', meaning: 'a workload manifest has a kind the bench does not deploy', fix: 'workload files hold Deployments and Services' },
  WORKLOAD_UNKNOWN_FIELD: { kind: 'usage', meaning: 'a workload manifest field that does not exist (often a typo)', fix: 'use the field the message suggests' },
  WORKLOAD_MISSING_FIELD: { kind: 'usage', meaning: 'a workload manifest lacks a field the bench needs', fix: 'add the field named in the message' },
  WORKLOAD_INVALID_FIELD: { kind: 'usage', meaning: 'a workload field has a value the bench cannot use', fix: 'use a value of the kind the message gives' },
  WORKLOAD_BAD_ENV: { kind: 'usage', meaning: "a workload's behaviour environment variable (FAILURE_RATE, LATENCY, …) is malformed", fix: 'see manifests/workloads/README.md for the accepted values' },
  WORKLOAD_NO_DEPLOYMENT: { kind: 'usage', meaning: 'a Service selects no Deployment of the plan', fix: "make the Service's selector match a Deployment's pod labels" },
  WORKLOAD_NO_SERVICE: { kind: 'usage', meaning: 'a Deployment is behind no Service, so nothing can call it', fix: 'add a Service selecting its pods' },

  // Istio objects (VirtualService, DestinationRule, PeerAuthentication, Gateway).
  ISTIO_UNKNOWN_KIND: { kind: 'usage', meaning: 'a manifest has a kind the bench does not apply', fix: 'use VirtualService, DestinationRule, PeerAuthentication or Gateway' },
  ISTIO_BAD_API_VERSION: { kind: 'usage', meaning: 'an Istio object has an apiVersion Istio does not serve', fix: 'use networking.istio.io/v1 (or v1beta1) and security.istio.io/v1' },
  ISTIO_UNKNOWN_FIELD: { kind: 'usage', meaning: 'an Istio field that does not exist (istiod rejects it)', fix: 'use the field the message suggests' },
  ISTIO_MISSING_FIELD: { kind: 'usage', meaning: 'a field istiod requires is missing', fix: 'add the field named in the message' },
  ISTIO_INVALID_FIELD: { kind: 'usage', meaning: 'an Istio field has a value istiod would reject', fix: 'use a value of the kind the message gives' },
  ISTIO_DUPLICATE_OBJECT: { kind: 'usage', meaning: 'two objects of one stage have the same kind, namespace and name', fix: 'rename one, or keep only one' },

  // The local mesh.
  MESH_NO_WORKLOADS: { kind: 'usage', meaning: 'the mesh was started with no workload', fix: 'give the plan at least one Deployment and Service' },
  MESH_DUPLICATE_WORKLOAD: { kind: 'usage', meaning: 'two workloads have the same name and namespace', fix: 'rename one of them' },
  MESH_BAD_REPLICAS: { kind: 'usage', meaning: 'a Deployment asks for a replica count the local mesh cannot run', fix: 'use 1 to 64 replicas' },
  MESH_UNKNOWN_WORKLOAD: { kind: 'usage', meaning: 'a stage sets the behaviour of a workload the plan does not have', fix: "use a workload name from the plan's workloads" },
  NO_GATEWAY: { kind: 'usage', meaning: 'the gateway vantage was used but the applied config has no Gateway', fix: 'add a Gateway to the stage config' },
  MESH_PROPAGATION_TIMEOUT: { kind: 'environment', meaning: 'a local proxy did not reach the applied config version in time', fix: 'check that the machine is not overloaded; rerun with the same --seed to reproduce' },
  PORT_IN_USE: { kind: 'environment', meaning: 'a port the bench needs on 127.0.0.1 is taken', fix: 'stop what holds the port, or let the bench choose free ports' },

  // k6 and the engines.
  K6_NOT_FOUND: { kind: 'environment', meaning: '--engine k6 was asked for but no k6 binary was found', fix: 'install k6 >= 0.49 on PATH or set K6_BIN, or use --engine embedded' },
  K6_VERSION_TIMEOUT: { kind: 'environment', meaning: '`k6 version` did not answer in time', fix: 'check the k6 binary (K6_BIN or PATH); it must answer `k6 version` within seconds' },
  K6_TOO_OLD: { kind: 'environment', meaning: 'the k6 binary is older than 0.49', fix: 'install k6 >= 0.49' },
  K6_BUNDLE_NOT_FOUND: { kind: 'usage', meaning: 'the scenario bundle to run does not exist', fix: 'run `npm run build`, or name an existing bundle' },
  K6_BUNDLE_TOO_LARGE: { kind: 'usage', meaning: 'the bundle exceeds the 1 MiB a ConfigMap can hold', fix: 'keep large data out of the scenario (load it at run time)' },
  K6_INVALID_CONFIG: { kind: 'usage', meaning: "the scenario's k6 options are invalid (k6 exits 104 for these)", fix: 'fix the option named in the message' },
  K6_INVALID_DURATION: { kind: 'usage', meaning: 'a k6 duration is malformed', fix: 'use a duration such as 30s, 1m30s or 500ms' },
  K6_INVALID_THRESHOLD: { kind: 'usage', meaning: 'a threshold expression k6 would not parse', fix: "write it as k6 does, e.g. 'rate<0.01' or 'p(95)<200'" },
  K6_UNKNOWN_METRIC: { kind: 'usage', meaning: 'a threshold names a metric the scenario never defines', fix: 'define it with new Counter/Gauge/Rate/Trend in the init code, or fix the name' },
  K6_INVALID_METRIC_NAME: { kind: 'usage', meaning: 'a custom metric name k6 would reject', fix: 'use letters, digits and underscores, at most 128 characters' },
  K6_METRIC_TYPE_CONFLICT: { kind: 'usage', meaning: 'one metric name is defined with two types', fix: 'give each custom metric one type' },
  EMBEDDED_UNSUPPORTED_API: { kind: 'usage', meaning: 'the scenario uses a k6 API the embedded runtime does not provide', fix: 'run it with real k6 (--engine k6)' },

  // Run folders, reports and baselines.
  REPORT_RUN_NOT_FOUND: { kind: 'usage', meaning: 'the run folder has no run.json', fix: 'name a folder under results/ that a run wrote' },
  REPORT_RUN_INVALID: { kind: 'usage', meaning: "a run folder's files are not what a run writes", fix: 'point at an untouched run folder' },
  REPORT_RUN_SCHEMA: { kind: 'usage', meaning: 'the run folder was written by an incompatible version', fix: 'render it with the version that wrote it' },
  REPORT_BASELINE_NOT_FOUND: { kind: 'usage', meaning: 'the baseline to compare with does not exist', fix: 'pass a report.json or run folder of an earlier run' },
  REPORT_INVALID: { kind: 'usage', meaning: 'a report.json that is not valid JSON or not a report', fix: 'pass a report.json the bench wrote' },
  REPORT_SCHEMA: { kind: 'usage', meaning: 'a report.json of an incompatible schema', fix: 'compare reports of the same schema version' },

  // Results on disk.
  RESULTS_NOT_WRITABLE: { kind: 'environment', meaning: 'the results folder cannot be written (read-only, full, or not a folder)', fix: 'pass --results <dir> with a writable folder, or free disk space' },

  // Targets.
  CLUSTER_UNREACHABLE: { kind: 'environment', meaning: 'the Kubernetes API server did not answer', fix: 'check the kubeconfig context (--context) and that the cluster is up' },
  CONFIG_NOT_PROPAGATED: { kind: 'environment', meaning: "the cluster's proxies did not all reach the stage's configuration in time", fix: 'raise the propagation timeout, or check istiod and the sidecars' },
  // The kubernetes target (harness/targets/kubernetes/).
  KUBECONFIG_NOT_FOUND: { kind: 'environment', meaning: 'no kubeconfig to connect with (--kubeconfig, KUBECONFIG, ~/.kube/config, or in-cluster)', fix: 'get credentials for the cluster (e.g. az aks get-credentials) or pass --kubeconfig <file>' },
  NAMESPACE_TERMINATING: { kind: 'environment', meaning: "a namespace of the plan is being deleted (an earlier run's, or someone else's) and did not go in time", fix: 'see what holds it (kubectl get namespace <name> -o yaml: finalizers, remaining objects) and run again once it is gone' },
  KUBE_CONTEXT_NOT_FOUND: { kind: 'usage', meaning: '--context names a context the kubeconfig does not have', fix: 'use a context from `kubectl config get-contexts`' },
  CLUSTER_AUTH_FAILED: { kind: 'environment', meaning: 'the API server refused the credentials (401)', fix: 'refresh the credentials (az aks get-credentials, kubelogin) and run again' },
  CLUSTER_REQUEST_FAILED: { kind: 'environment', meaning: 'a read the snapshot needs failed before anything changed', fix: 'check the cluster and run again; nothing was changed' },
  ISTIO_CRDS_MISSING: { kind: 'environment', meaning: "the cluster does not serve the Istio kinds the plan applies (Istio's CRDs are missing or older)", fix: 'install Istio (istioctl, helm istio-base, or az aks mesh enable)' },
  RBAC_DENIED: { kind: 'environment', meaning: 'the user lacks permissions the run needs (each missing verb and resource is named)', fix: 'bind the role in manifests/rbac/, or ask a cluster admin for the permissions named' },
  INJECTION_UNAVAILABLE: { kind: 'environment', meaning: "sidecar injection cannot be switched on for the plan's namespace as asked", fix: 'install the sidecar injector, or pick the revision it has with --injection rev:<revision>' },
  INJECTION_AMBIGUOUS: { kind: 'environment', meaning: 'several injector revisions and no default: the bench cannot guess which one to use', fix: 'choose one with --injection rev:<revision>' },
  FIELD_MANAGER_CONFLICT: { kind: 'environment', meaning: 'fields a stage sets are owned by another field manager with other values; the bench never forces', fix: 'hand over or remove those fields, or run in a namespace nobody else manages' },
  APPLY_REJECTED: { kind: 'environment', meaning: "the API server (or istiod's validating webhook) refused an object", fix: 'fix the manifest, or check that the cluster runs the Istio version the plan targets' },
  STAGE_CLEANUP_FAILED: { kind: 'environment', meaning: "the previous stage's objects could not be removed or put back", fix: 'check permissions and whether another tool manages these objects' },
  ROLLOUT_TIMEOUT: { kind: 'environment', meaning: "the plan's workloads did not become ready in time", fix: 'look at the pods: image pulls (use --app-image), pending pods, failing probes' },
  SIDECAR_MISSING: { kind: 'environment', meaning: "the workload's pods run without Istio's sidecar", fix: 'check the namespace injection label and that the injector webhook works' },
  K6_JOB_FAILED: { kind: 'environment', meaning: 'the in-mesh k6 Job did not finish with a summary in its log', fix: 'check the Job pod: image pull, admission policies, quota, sidecar start' },
  EXTERNAL_ADDRESS_MISSING: { kind: 'environment', meaning: 'the external vantage has no address outside the cluster to call', fix: 'pass --external-url, or make the Service a LoadBalancer or NodePort' },
  LOADBALANCER_NO_ADDRESS: { kind: 'environment', meaning: 'a LoadBalancer Service got no address in time', fix: "check the Service's events for the cloud load balancer, or pass --external-url" },
  GATEWAY_SERVICE_MISSING: { kind: 'environment', meaning: 'the gateway vantage found no ingress gateway Service', fix: 'enable an ingress gateway (AKS: az aks mesh enable-ingress-gateway), or drop the gateway vantage' },
  SNAPSHOT_NOT_FOUND: { kind: 'usage', meaning: '`bench restore` was given a folder without a usable snapshot.json', fix: 'name the results/<run-id> folder of a --target kubernetes run' },
  RESTORE_INCOMPLETE: { kind: 'environment', meaning: 'some objects of a snapshot could not be put back', fix: 'fix the cause named and run bench restore <run-dir> again; the snapshot lists what is left' },
  TARGET_UNSUPPORTED: { kind: 'usage', meaning: '--target names a target this version does not have', fix: 'use --target local or kubernetes' },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const EXIT_CODE_OF_KIND: Record<ErrorKind, number> = { usage: 2, environment: 3 };

export function isErrorCode(text: string): text is ErrorCode {
  return Object.hasOwn(ERROR_CODES, text);
}

export function exitCodeFor(code: ErrorCode): number {
  return EXIT_CODE_OF_KIND[ERROR_CODES[code].kind];
}
