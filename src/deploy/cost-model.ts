/**
 * A model of what a day of load costs under three provisioning policies, replayed second by second. Pure: the
 * figures, the load and the policy come in, replica-hours and latency come out. It models, it does not measure:
 * see the assumptions on {@link simulatePolicy}.
 */

/** Measured figures of one replica. */
export interface ReplicaModel {
  /** Requests per second one replica sustains with its p99 within the target. */
  readonly throughputRps: number;
  readonly latencyTargetMs: number;
  /** One request's latency on an idle replica. */
  readonly latencyP50Ms: number;
  /** Pod creation to ready. */
  readonly coldStartS: number;
  /** CPU cores at throughputRps over the CPU request, for CPU-based scaling. */
  readonly cpuShareAtThroughput?: number | undefined;
}

/** The load, one value per second. */
export interface Load {
  readonly openRps: ArrayLike<number>;
  readonly clients: ArrayLike<number>;
}

/**
 * What the model needs of an autoscaler. The deploy layer's ScalingPolicy extends it, and one object feeds both
 * the rendered HPA/ScaledObject and this model, so the two cannot drift apart.
 */
export interface Autoscaler {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly metric: 'cpu' | 'inflight' | 'queue_depth';
  /** Percent of the CPU request for cpu; requests per replica for inflight and queue_depth. */
  readonly target: number;
  /** Kubernetes HPA: how often desired replicas are recomputed (kube-controller-manager default 15 s). */
  readonly syncPeriodS: number;
  /** Kubernetes HPA: ratios within 1 ± tolerance change nothing (default 0.1). */
  readonly tolerance: number;
  /** Scale-up: at most max(+pods, +percent %) per period (HPA default policy: 4 pods or 100 % per 15 s). */
  readonly scaleUp: { readonly pods: number; readonly percent: number; readonly stabilisationS: number };
  /** Scale-down: the highest recommendation of the last stabilisationS seconds wins (the recipe's delay). */
  readonly scaleDown: { readonly stabilisationS: number };
  /** KEDA: how often triggers are polled, and how long all triggers must be idle before scaling to zero. */
  readonly keda: { readonly pollingIntervalS: number; readonly cooldownS: number };
}

export type Policy =
  | { readonly kind: 'fixed'; readonly replicas: number }
  | { readonly kind: 'hpa'; readonly autoscaler: Autoscaler }
  | { readonly kind: 'scale-to-zero'; readonly autoscaler: Autoscaler };

export interface MinuteSample {
  readonly minute: number;
  /** Mean pods that exist (billed) and that are ready during the minute. */
  readonly replicas: number;
  readonly ready: number;
  readonly requests: number;
  readonly overTarget: number;
  /** Completion-weighted mean latency, or null in a minute without completions. */
  readonly meanLatencyMs: number | null;
}

export interface PolicyOutcome {
  readonly replicaHours: number;
  readonly requests: number;
  readonly overTarget: number;
  readonly overTargetShare: number;
  readonly peakReplicas: number;
  readonly minutes: readonly MinuteSample[];
}

/**
 * Replicas needed to keep every second of the load within the latency target: open-loop arrivals plus, for
 * closed-loop clients, the throughput at which each of them waits no more than the target (Little's law).
 */
export function peakReplicas(load: Load, replica: ReplicaModel): number {
  const targetS = replica.latencyTargetMs / 1000;
  let peak = 0;
  for (let t = 0; t < load.openRps.length; t++)
    peak = Math.max(peak, (load.openRps[t] ?? 0) + (load.clients[t] ?? 0) / targetS);
  return Math.max(1, Math.ceil(peak / replica.throughputRps - 1e-9));
}

/** Replica-hours priced per vCPU-hour and GiB-hour of what each replica requests. */
export function replicaCost(
  replicaHours: number,
  request: { cpu: number; memoryGiB: number },
  price: { vcpuHour: number; gibHour: number },
): number {
  return replicaHours * (request.cpu * price.vcpuHour + request.memoryGiB * price.gibHour);
}

interface Cohort {
  arrivedAt: number;
  amount: number;
}

/**
 * Replays `load` against `policy`. Assumptions (each a simplification a real cluster may not honour):
 * - a replica serves up to throughputRps within the latency target; below that, a request takes latencyP50Ms;
 * - above it, open-loop requests queue first-in first-out and none is rejected (latency = waiting + p50);
 *   closed-loop clients share the capacity in proportion to the requests present;
 * - requests that arrive while no replica is ready wait (as behind KServe's activator) until one is;
 * - a new pod is billed from creation and ready coldStartS later (nodes always have room);
 * - the HPA follows Kubernetes' algorithm on metrics averaged over its sync period; KEDA wakes from zero at its
 *   next poll after a request and returns to zero after cooldownS without one.
 */
export function simulatePolicy(load: Load, replica: ReplicaModel, policy: Policy): PolicyOutcome {
  const seconds = load.openRps.length;
  const replay = new PolicyReplay(replica, policy, initialPods(load, policy));
  for (let t = 0; t < seconds; t++)
    replay.second(t, load.openRps[t] ?? 0, load.clients[t] ?? 0, t === seconds - 1);
  return replay.outcome();
}

/**
 * Pods at the start of the day: warm, at the policy's floor; scale-to-zero starts at zero only when the day
 * opens without a request.
 */
function initialPods(load: Load, policy: Policy): number {
  if (policy.kind === 'fixed') return policy.replicas;
  const quietStart = (load.openRps[0] ?? 0) === 0 && (load.clients[0] ?? 0) === 0;
  return policy.kind === 'scale-to-zero' && quietStart ? 0 : Math.max(1, policy.autoscaler.minReplicas);
}

interface MetricWindow {
  inSystem: number;
  served: number;
  seconds: number;
}

interface MinuteTally {
  podSeconds: number;
  readySeconds: number;
  requests: number;
  over: number;
  latencySum: number;
}

const emptyWindow = (): MetricWindow => ({ inSystem: 0, served: 0, seconds: 0 });
const emptyMinute = (): MinuteTally => ({
  podSeconds: 0,
  readySeconds: 0,
  requests: 0,
  over: 0,
  latencySum: 0,
});

/** The state of one replay, advanced a second at a time: pods, the open-loop backlog, the autoscaler, tallies. */
class PolicyReplay {
  /** Each pod as the second it becomes ready. */
  private pods: number[];
  private readonly backlog: Cohort[] = [];
  private backlogTotal = 0;
  private closedStuckSince: number | undefined;
  private lastRequestAt = Number.NEGATIVE_INFINITY;
  private readonly recommendations: { at: number; replicas: number }[] = [];
  private window = emptyWindow();
  private podSeconds = 0;
  private peak: number;
  private requests = 0;
  private overTarget = 0;
  private readonly minutes: MinuteSample[] = [];
  private minute = emptyMinute();
  /** One request's service time and the latency target, in seconds. */
  private readonly s: number;
  private readonly targetS: number;

  constructor(
    private readonly replica: ReplicaModel,
    private readonly policy: Policy,
    initial: number,
  ) {
    this.pods = Array.from({ length: initial }, () => 0);
    this.peak = initial;
    this.s = replica.latencyP50Ms / 1000;
    this.targetS = replica.latencyTargetMs / 1000;
  }

  second(t: number, lambda: number, clients: number, last: boolean): void {
    const ready = this.readyAt(t);
    const mu = ready * this.replica.throughputRps;
    if (lambda > 0 || clients > 0) this.lastRequestAt = t;
    this.backlog.push({ arrivedAt: t, amount: lambda });
    this.backlogTotal += lambda;
    let served = 0;
    let openServed = 0;
    if (mu === 0) {
      if (clients > 0 && this.closedStuckSince === undefined) this.closedStuckSince = t;
    } else {
      const closedServed = this.serveClosed(t, lambda, clients, mu);
      openServed = this.serveOpen(t, lambda, mu - closedServed, mu);
      served = closedServed + openServed;
    }
    if (this.backlogTotal < 1e-9) {
      this.backlog.length = 0;
      this.backlogTotal = 0;
    }
    // Requests in the system, for the autoscaler's gauges: open-loop ones waiting or in service (Little's law at
    // p50), and every closed-loop client, which always has one request outstanding.
    this.window.inSystem += this.backlogTotal + openServed * this.s + clients;
    this.window.served += served;
    this.window.seconds++;
    this.podSeconds += this.pods.length;
    this.minute.podSeconds += this.pods.length;
    this.minute.readySeconds += ready;
    const scaler = this.policy.kind === 'fixed' ? undefined : this.policy.autoscaler;
    if (scaler && (t + 1) % scaler.syncPeriodS === 0) this.autoscale(scaler, t);
    if ((t + 1) % 60 === 0 || last) this.closeMinute();
  }

  outcome(): PolicyOutcome {
    // Whatever still waits at the end of the day counts as late.
    const late = this.backlogTotal > 0 ? this.backlogTotal : 0;
    const requests = this.requests + late;
    const overTarget = this.overTarget + late;
    return {
      replicaHours: this.podSeconds / 3600,
      requests,
      overTarget,
      overTargetShare: requests > 0 ? overTarget / requests : 0,
      peakReplicas: this.peak,
      minutes: this.minutes,
    };
  }

  private readyAt(t: number): number {
    return this.pods.filter((at) => at <= t).length;
  }

  /** Closed-loop clients served this second; returns how many of their requests completed. */
  private serveClosed(t: number, lambda: number, clients: number, mu: number): number {
    if (this.closedStuckSince !== undefined) {
      // Each client's request waited for the first replica; they all complete now.
      this.complete(clients, t - this.closedStuckSince + this.s);
      this.closedStuckSince = undefined;
    }
    const closedWant = clients > 0 ? clients / this.s : 0;
    let closedServed = closedWant;
    if (this.backlogTotal + closedWant > mu) {
      // Saturated: this second's open-loop arrivals keep their rate (they hold only λ·p50 places in the
      // system); what is left is shared between the clients and the older backlog by the requests present.
      const older = this.backlogTotal - lambda;
      closedServed = Math.min(closedWant, (Math.max(0, mu - lambda) * clients) / (clients + older));
    }
    if (clients > 0) this.complete(closedServed, Math.max(this.s, clients / closedServed));
    return closedServed;
  }

  /** Open-loop requests leave first-in first-out; those that arrived this second wait behind the backlog. */
  private serveOpen(t: number, lambda: number, openCapacity: number, mu: number): number {
    const ahead = this.backlogTotal - lambda;
    let served = 0;
    while (this.backlog.length && openCapacity > 1e-12) {
      const cohort = this.backlog[0]!;
      const take = Math.min(cohort.amount, openCapacity);
      const wait = cohort.arrivedAt === t ? ahead / mu : t - cohort.arrivedAt;
      this.complete(take, wait + this.s);
      cohort.amount -= take;
      openCapacity -= take;
      this.backlogTotal -= take;
      served += take;
      if (cohort.amount <= 1e-12) this.backlog.shift();
    }
    return served;
  }

  private autoscale(scaler: Autoscaler, t: number): void {
    const readyNow = this.readyAt(t);
    const metric = averageMetric(scaler, this.window, readyNow, this.replica);
    this.window = emptyWindow();
    let desired = desiredReplicas(scaler, this.pods.length, readyNow, metric, this.recommendations, t);
    if (this.policy.kind === 'scale-to-zero') {
      if (this.pods.length === 0)
        desired = this.lastRequestAt > t - scaler.keda.pollingIntervalS || this.backlogTotal > 0 ? 1 : 0;
      else if (t - this.lastRequestAt >= scaler.keda.cooldownS && this.backlogTotal === 0) desired = 0;
    }
    this.pods = resize(this.pods, desired, t + 1 + this.replica.coldStartS);
    this.peak = Math.max(this.peak, this.pods.length);
  }

  private closeMinute(): void {
    const m = this.minute;
    this.minutes.push({
      minute: this.minutes.length,
      replicas: m.podSeconds / 60,
      ready: m.readySeconds / 60,
      requests: m.requests,
      overTarget: m.over,
      meanLatencyMs: m.requests > 0 ? (m.latencySum / m.requests) * 1000 : null,
    });
    this.minute = emptyMinute();
  }

  private complete(count: number, latency: number): void {
    if (count <= 0) return;
    this.requests += count;
    this.minute.requests += count;
    this.minute.latencySum += count * latency;
    if (latency > this.targetS + 1e-9) {
      this.overTarget += count;
      this.minute.over += count;
    }
  }
}

/** The autoscaler's metric per ready pod, averaged over the last sync period. */
function averageMetric(
  scaler: Autoscaler,
  window: MetricWindow,
  ready: number,
  replica: ReplicaModel,
): number {
  if (ready === 0 || window.seconds === 0) return 0;
  const perPod = (x: number) => x / window.seconds / ready;
  if (scaler.metric === 'inflight') return perPod(window.inSystem);
  if (scaler.metric === 'queue_depth')
    // Waiting requests: those in the system beyond what the replicas serve at once at full throughput.
    return Math.max(0, perPod(window.inSystem) - replica.throughputRps * (replica.latencyP50Ms / 1000));
  const share = replica.cpuShareAtThroughput;
  if (share === undefined) throw new Error('bug: CPU scaling modelled without the CPU share at throughput');
  return (perPod(window.served) / replica.throughputRps) * share * 100;
}

/** Kubernetes' HPA: ratio with tolerance, scale-up rate limit, scale-down stabilisation, min/max bounds. */
function desiredReplicas(
  scaler: Autoscaler,
  current: number,
  ready: number,
  metric: number,
  recommendations: { at: number; replicas: number }[],
  t: number,
): number {
  let desired = current;
  if (ready > 0) {
    const ratio = metric / scaler.target;
    if (Math.abs(ratio - 1) > scaler.tolerance) desired = Math.ceil(ready * ratio - 1e-9);
    // Pods still starting have no metrics; Kubernetes does not scale down on their account.
    if (desired < current && ready < current) desired = current;
  }
  const floor = Math.max(1, scaler.minReplicas);
  desired = Math.min(scaler.maxReplicas, Math.max(floor, desired));
  desired = Math.min(
    desired,
    current + Math.max(scaler.scaleUp.pods, Math.ceil((current * scaler.scaleUp.percent) / 100)),
  );
  recommendations.push({ at: t, replicas: desired });
  while (recommendations.length && recommendations[0]!.at <= t - scaler.scaleDown.stabilisationS)
    recommendations.shift();
  if (desired < current) desired = Math.min(current, Math.max(...recommendations.map((r) => r.replicas)));
  return desired;
}

/** Adds pods ready at `readyAt`, or removes the youngest (not-ready first, as Kubernetes does). */
function resize(pods: number[], desired: number, readyAt: number): number[] {
  const sorted = [...pods].sort((a, b) => a - b);
  if (desired < sorted.length) return sorted.slice(0, desired);
  while (sorted.length < desired) sorted.push(readyAt);
  return sorted;
}
