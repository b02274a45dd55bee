/** The cluster options' help lines, kept apart so `bench --help` loads no cluster code. */
export const TARGET_HELP = `  --context <name>              kubeconfig context (default: the current one)
  --kubeconfig <file>           kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)
  --namespace <ns>              run the plan's workloads and policies in this namespace instead
  --injection auto|label|rev:<rev>   how the namespace gets sidecars (auto: detected; AKS add-on: rev:asm-1-27)
  --external-url <url>          where the external vantage enters (default: the Service's LoadBalancer or NodePort)
  --app-image <image>           your build of the sample app instead of resilience-bench/sample-app
  --keep                        leave created namespaces and workloads (Istio config is put back anyway)
  --settle <duration>           wait after each stage when the sidecars' config cannot be read (no pods/exec; default 10s)`;
