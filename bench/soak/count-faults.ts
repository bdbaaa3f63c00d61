import { decideFault, type FaultConfig, seededRandom } from '../../server/src/faults';

/**
 * The faults a CRM server process injected while it answered `answered` API requests under one
 * fault configuration. The server decides faults with a seeded generator (server/src/faults.ts,
 * seed 1 unless `faultSeed` is given, which `npm run crm` never does) before a request is
 * authenticated, and counts only the requests that got past the faults (`/__admin/stats`); playing
 * the same generator forward until it has let `answered` requests through gives the 5xx answers and
 * dropped connections in between, exactly. A rate of 0 draws nothing, so a quiet setup phase before
 * the faults are turned on leaves the generator where it started.
 */
export function countFaults(config: FaultConfig, answered: number): { failed: number; dropped: number } {
  const random = seededRandom(1);
  let failed = 0;
  let dropped = 0;
  for (let passed = 0; passed < answered; ) {
    const fault = decideFault(config, random);
    if (fault.kind === 'fail') failed += 1;
    else if (fault.kind === 'drop') dropped += 1;
    else passed += 1;
  }
  return { failed, dropped };
}
