import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ContainerPort } from 'kubernetes-models/v1/ContainerPort';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const run = promisify(execFile);
const repo = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const k8s = join(repo, 'deploy/k8s');
const sjdJs = join(repo, 'packages/cli/dist/sjd.js');

/** Every document of the base, by kind (each kind once). */
function loadBase(): Record<string, Record<string, unknown>> {
  const kustomization = parse(readFileSync(join(k8s, 'base/kustomization.yaml'), 'utf8'));
  const byKind: Record<string, Record<string, unknown>> = {};
  for (const file of kustomization.resources as string[]) {
    for (const doc of parseAllDocuments(readFileSync(join(k8s, 'base', file), 'utf8'))) {
      const object = doc.toJS() as { kind: string; metadata: { name: string } };
      byKind[`${object.kind}/${object.metadata.name}`] = object;
    }
  }
  return byKind;
}

const base = loadBase();
// biome-ignore lint/suspicious/noExplicitAny: plain manifests, checked by the schema test
const deployment = base['Deployment/sjd'] as any;
const container = deployment.spec.template.spec.containers[0];
const args = container.args as string[];
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const serveHelp = run(process.execPath, [sjdJs, 'serve', '--help']).then((r) => r.stdout);

describe('deploy/k8s/base', () => {
  it('has the Deployment, both Services, the PDB and the HPA', () => {
    expect(Object.keys(base).sort()).toEqual([
      'Deployment/sjd',
      'HorizontalPodAutoscaler/sjd',
      'PodDisruptionBudget/sjd',
      'Service/sjd',
      'Service/sjd-headless',
    ]);
  });

  it('validates against the Kubernetes API schemas', () => {
    const models = {
      Deployment,
      Service,
      PodDisruptionBudget,
      HorizontalPodAutoscaler,
    } as const;
    for (const [key, object] of Object.entries(base)) {
      const Model = models[key.split('/')[0] as keyof typeof models];
      expect(() => new Model(object as never).validate(), key).not.toThrow();
    }
  });

  it('catches a broken manifest (the schema check can fail)', () => {
    const broken = structuredClone(deployment);
    broken.spec.template.spec.containers[0].readinessProbe.grpc.port = 'grpc';
    expect(() => new Deployment(broken).validate()).toThrow(/port must be integer/);
  });

  it('selects the Deployment’s pods from both Services, the PDB and the HPA', () => {
    const podLabels = deployment.spec.template.metadata.labels;
    const selector = deployment.spec.selector.matchLabels;
    expect(podLabels).toMatchObject(selector);
    for (const name of ['Service/sjd', 'Service/sjd-headless']) {
      // biome-ignore lint/suspicious/noExplicitAny: plain manifest
      const service = base[name] as any;
      expect(service.spec.selector, name).toEqual(selector);
    }
    // biome-ignore lint/suspicious/noExplicitAny: plain manifest
    const pdb = base['PodDisruptionBudget/sjd'] as any;
    expect(pdb.spec.selector.matchLabels).toEqual(selector);
    // biome-ignore lint/suspicious/noExplicitAny: plain manifest
    const hpa = base['HorizontalPodAutoscaler/sjd'] as any;
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'sjd',
    });
  });

  it('has one headless Service (client-side balancing) and one ClusterIP (proxies)', () => {
    // biome-ignore lint/suspicious/noExplicitAny: plain manifests
    const services = [base['Service/sjd'], base['Service/sjd-headless']] as any[];
    expect(services.map((s) => s.spec.clusterIP ?? s.spec.type)).toEqual(['ClusterIP', 'None']);
    for (const service of services) {
      expect(service.spec.ports).toEqual([
        expect.objectContaining({ port: 50051, targetPort: 'grpc' }),
      ]);
    }
  });

  it('probes, serves and listens on the same port', () => {
    const port = container.ports.find((p: { name: string }) => p.name === 'grpc').containerPort;
    expect(Number(flag('port'))).toBe(port);
    expect(flag('host')).toBe('0.0.0.0');
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      expect(container[probe].grpc, probe).toEqual({ port });
    }
  });

  it('gives the drain all the time it needs before the kubelet kills the pod', () => {
    const preStopSeconds = Number(container.lifecycle.preStop.exec.command[1]);
    const drainSeconds = Number(flag('shutdown-grace-ms')) / 1000;
    // The model's release and the exit take well under a second; keep 2 s for them.
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(
      preStopSeconds + drainSeconds + 2,
    );
    // A draining pod must not be restarted by its liveness probe before it is done.
    const liveness = container.livenessProbe;
    expect(liveness.periodSeconds * liveness.failureThreshold).toBeGreaterThanOrEqual(drainSeconds);
  });

  it('passes only flags that sjd serve knows', async () => {
    const help = await serveHelp;
    for (const arg of args.slice(1)) expect(help, arg).toContain(arg.split('=')[0]);
    expect(args[0]).toBe('serve');
  });

  it('scales on busy slots and queue depth, below the slots a pod has', () => {
    // biome-ignore lint/suspicious/noExplicitAny: plain manifest
    const hpa = base['HorizontalPodAutoscaler/sjd'] as any;
    const metrics = hpa.spec.metrics.map(
      (m: { pods: { metric: { name: string }; target: unknown } }) => [
        m.pods.metric.name,
        m.pods.target,
      ],
    );
    expect(metrics.map((m: unknown[]) => m[0])).toEqual(['sjd_busy_slots', 'sjd_queue_depth']);
    const busyTarget = Number.parseInt(metrics[0][1].averageValue, 10) / 1000;
    expect(busyTarget).toBeGreaterThan(0);
    expect(busyTarget).toBeLessThanOrEqual(Number(flag('max-concurrent')));
    // The PDB never blocks the HPA's floor: with minReplicas up, one may always go.
    // biome-ignore lint/suspicious/noExplicitAny: plain manifest
    expect((base['PodDisruptionBudget/sjd'] as any).spec.maxUnavailable).toBeLessThan(
      hpa.spec.minReplicas,
    );
  });

  it('names the same metrics in the prometheus-adapter rules', () => {
    const rules = parse(readFileSync(join(k8s, 'prometheus-adapter-rules.yaml'), 'utf8'));
    expect(rules.rules.custom.map((r: { name: { as: string } }) => r.name.as)).toEqual([
      'sjd_busy_slots',
      'sjd_queue_depth',
    ]);
  });
});

describe('deploy/k8s/with-metrics', () => {
  const patch = parse(readFileSync(join(k8s, 'with-metrics/metrics-port.yaml'), 'utf8')) as {
    op: string;
    path: string;
    value: unknown;
  }[];

  it('adds a valid container port and the metrics flag', () => {
    const port = patch.find((p) => p.path.endsWith('/ports/-'))!.value;
    expect(() => new ContainerPort(port as never).validate()).not.toThrow();
    const metricsFlag = patch.find((p) => p.path.endsWith('/args/-'))!.value as string;
    expect(metricsFlag).toBe(`--metrics-port=${(port as { containerPort: number }).containerPort}`);
  });

  it('passes flags sjd serve has, and binds metrics where Prometheus can scrape them', async () => {
    const help = await serveHelp;
    const flags = patch.filter((p) => p.path.endsWith('/args/-')).map((p) => p.value as string);
    for (const flag of flags) expect(help, flag).toContain(flag.split('=')[0]);
    expect(flags).toContain('--metrics-host=0.0.0.0');
  });
});

describe('kubectl kustomize (where kubectl is installed; needs no cluster)', async () => {
  const kubectl = await run('kubectl', ['version', '--client']).then(
    () => true,
    () => false,
  );
  it.skipIf(!kubectl).each(['base', 'with-metrics'])(
    'builds %s into documents that validate',
    async (dir) => {
      const { stdout } = await run('kubectl', ['kustomize', join(k8s, dir)]);
      const models = { Deployment, Service, PodDisruptionBudget, HorizontalPodAutoscaler };
      const docs = parseAllDocuments(stdout).map((d) => d.toJS());
      expect(docs).toHaveLength(5);
      for (const doc of docs) {
        const Model = models[doc.kind as keyof typeof models];
        expect(() => new Model(doc).validate(), doc.kind).not.toThrow();
        expect(doc.metadata.labels['app.kubernetes.io/part-of']).toBe('sjd');
      }
    },
  );
});
