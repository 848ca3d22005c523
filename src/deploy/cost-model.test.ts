import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Autoscaler, type Load, peakReplicas, replicaCost, simulatePolicy } from './cost-model.js';

const replica = { throughputRps: 100, latencyTargetMs: 100, latencyP50Ms: 10, coldStartS: 2 };
const autoscaler: Autoscaler = {
  minReplicas: 1,
  maxReplicas: 10,
  metric: 'inflight',
  target: 0.8,
  syncPeriodS: 15,
  tolerance: 0.1,
  scaleUp: { pods: 4, percent: 100, stabilisationS: 0 },
  scaleDown: { stabilisationS: 300 },
  keda: { pollingIntervalS: 15, cooldownS: 300 },
};

function load(seconds: number, rps: (t: number) => number, clients: (t: number) => number = () => 0): Load {
  return {
    openRps: Float64Array.from({ length: seconds }, (_, t) => rps(t)),
    clients: Uint16Array.from({ length: seconds }, (_, t) => clients(t)),
  };
}

describe('cost model', () => {
  it('should size fixed provisioning for the peak, counting closed-loop clients by the latency target', () => {
    assert.equal(
      peakReplicas(
        load(10, () => 250),
        replica,
      ),
      3,
    );
    assert.equal(
      peakReplicas(
        load(10, () => 300),
        replica,
      ),
      3,
    );
    // 25 clients each waiting at most 100 ms need 250 req/s on top of the 50 open-loop ones.
    assert.equal(
      peakReplicas(
        load(
          10,
          () => 50,
          (t) => (t === 5 ? 25 : 0),
        ),
        replica,
      ),
      3,
    );
    assert.equal(
      peakReplicas(
        load(10, () => 0),
        replica,
      ),
      1,
    );
  });

  it('should give fixed replicas x hours and no late request under a constant load within capacity', () => {
    const day = load(86_400, () => 250);
    const out = simulatePolicy(day, replica, { kind: 'fixed', replicas: 3 });
    assert.equal(out.replicaHours, 72);
    assert.equal(out.overTarget, 0);
    assert.ok(Math.abs(out.requests - 250 * 86_400) < 1e-3);
    assert.equal(out.minutes.length, 1440);
    assert.equal(out.minutes[100]!.meanLatencyMs, 10);
  });

  it('should settle the HPA on the replicas a constant load needs', () => {
    // 250 req/s at 10 ms is 2.5 requests in flight; at 0.8 per replica that is ceil(3.125) = 4 replicas.
    const out = simulatePolicy(
      load(3600, () => 250),
      replica,
      { kind: 'hpa', autoscaler },
    );
    assert.equal(out.minutes.at(-1)!.replicas, 4);
    // Starting from one saturated replica it overshoots, then holds the surplus for the 300 s stabilisation.
    assert.ok(out.replicaHours > 4 && out.replicaHours < 5, `${out.replicaHours}`);
    assert.ok(out.peakReplicas > 4);
  });

  it('should cost nothing to scale-to-zero at zero load, and one replica to the HPA', () => {
    const quiet = load(7200, () => 0);
    const zero = simulatePolicy(quiet, replica, {
      kind: 'scale-to-zero',
      autoscaler: { ...autoscaler, minReplicas: 0 },
    });
    assert.equal(zero.replicaHours, 0);
    assert.equal(zero.requests, 0);
    assert.equal(zero.overTargetShare, 0);
    assert.equal(simulatePolicy(quiet, replica, { kind: 'hpa', autoscaler }).replicaHours, 2);
  });

  it('should make requests that wake a scaled-to-zero service wait for the cold start', () => {
    const burst = load(1200, (t) => (t >= 600 && t < 660 ? 10 : 0));
    const out = simulatePolicy(burst, replica, {
      kind: 'scale-to-zero',
      autoscaler: { ...autoscaler, minReplicas: 0 },
    });
    assert.ok(Math.abs(out.requests - 600) < 1e-6);
    // Requests arrive from 600 s; KEDA polls at 614 s and the pod is ready at 617 s, so 170 requests waited for
    // it; draining them takes until 618 s, which makes the 617 s and 618 s arrivals late as well.
    assert.ok(Math.abs(out.overTarget - 190) < 1e-6, `${out.overTarget}`);
    assert.ok(out.replicaHours > 0 && out.replicaHours < 1);
  });

  it('should count queued requests as late when the load exceeds the capacity', () => {
    const out = simulatePolicy(
      load(60, () => 150),
      replica,
      { kind: 'fixed', replicas: 1 },
    );
    assert.ok(out.overTargetShare > 0.3, `${out.overTargetShare}`);
    const ok = simulatePolicy(
      load(60, () => 150),
      replica,
      { kind: 'fixed', replicas: 2 },
    );
    assert.equal(ok.overTarget, 0);
  });

  it('should let closed-loop clients wait N / capacity when they saturate the replicas', () => {
    // 20 clients on one replica with 50 open req/s: they get 50 req/s, so each waits 400 ms.
    const out = simulatePolicy(
      load(
        60,
        () => 50,
        () => 20,
      ),
      replica,
      { kind: 'fixed', replicas: 1 },
    );
    const closed = out.requests - 50 * 60;
    assert.ok(Math.abs(closed - 50 * 60) < 1e-6, `${closed}`);
    assert.ok(Math.abs(out.overTarget - closed) < 1e-6);
  });

  it('should price replica-hours by the CPU and memory each replica requests', () => {
    assert.equal(replicaCost(10, { cpu: 1, memoryGiB: 2 }, { vcpuHour: 0.04, gibHour: 0.005 }), 0.5);
  });
});
