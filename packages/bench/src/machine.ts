/**
 * Where the machine's CPU went during a load level, beside the backend process's own figure:
 * the whole machine (every process, other people's included), VictoriaMetrics, vmalert and
 * vmauth (their `process_cpu_seconds_total`), and this process (the virtual users and the
 * counting proxies). All as % of one core over the wall time: 2 cores make 200%.
 */
import type { StackEnv } from '@internal/monitoring-local-stack';
import os from 'node:os';

export interface CpuReading {
  at: number;
  machine: { busy: number; total: number };
  stack: Record<string, number | undefined>;
  generator: NodeJS.CpuUsage;
}

export type CpuShares = Record<string, number | null>;

async function processCpuSeconds(url: string): Promise<number | undefined> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    const line = /^process_cpu_seconds_total (\S+)$/m.exec(text);
    return line ? Number(line[1]) : undefined;
  } catch {
    return undefined;
  }
}

function machineTimes() {
  let busy = 0;
  let total = 0;
  for (const { times } of os.cpus()) {
    const all = times.user + times.nice + times.sys + times.irq + times.idle;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

export async function readCpu(env: StackEnv): Promise<CpuReading> {
  const urls = {
    'victoria-metrics': env.MONITORING_VM_DIRECT_URL,
    vmalert: env.MONITORING_VMALERT_URL,
    vmauth: new URL(env.MONITORING_VMSELECT_URL).origin,
  };
  const stack: CpuReading['stack'] = {};
  for (const [name, url] of Object.entries(urls))
    stack[name] = await processCpuSeconds(url);
  return {
    at: Date.now(),
    machine: machineTimes(),
    stack,
    generator: process.cpuUsage(),
  };
}

export function cpuBetween(a: CpuReading, b: CpuReading): CpuShares {
  const wallMs = b.at - a.at;
  const cores = os.cpus().length;
  const shares: CpuShares = {
    machine:
      ((b.machine.busy - a.machine.busy) /
        (b.machine.total - a.machine.total)) *
      cores *
      100,
    generator:
      ((b.generator.user -
        a.generator.user +
        b.generator.system -
        a.generator.system) /
        1000 /
        wallMs) *
      100,
  };
  for (const name of Object.keys(b.stack)) {
    const [from, to] = [a.stack[name], b.stack[name]];
    shares[name] =
      from === undefined || to === undefined
        ? null
        : (((to - from) * 1000) / wallMs) * 100;
  }
  return shares;
}
