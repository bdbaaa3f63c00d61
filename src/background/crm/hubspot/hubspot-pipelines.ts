/**
 * Deal pipelines and stages: read once per client (`GET /crm/v3/pipelines/deals`), their word ids
 * mapped to numbers and back (hubspot-ids.ts), and each stage's outcome from its metadata.
 */
import type { Pipeline } from '../../../shared/crm-model';
import type { CrmAnswer, CrmCall } from '../crm-transport';
import { labelIdToNumber } from './hubspot-ids';
import type { StageOutcome } from './hubspot-mapping';
import { parseResults } from './hubspot-read';
import { type HubspotPipeline, hubspotPipeline } from './hubspot-schemas';
import type { PipelineIndex } from './hubspot-writes';

type Call = (c: CrmCall) => Promise<CrmAnswer>;
const READ = { purpose: 'syncRecords', dataClasses: ['crmData'] } as const;

/** A stage's outcome from its metadata (PIPE; `isClosed` only observed, so both readings). */
export function stageOutcome(
  metadata: { probability?: string | null | undefined; isClosed?: string | undefined } | undefined,
): StageOutcome {
  const probability = Number(metadata?.probability ?? Number.NaN);
  if (metadata?.isClosed === 'false') return 'Open';
  if (probability >= 1) return 'Won';
  if (probability === 0 && (metadata?.isClosed === 'true' || metadata?.isClosed === undefined)) return 'Lost';
  return metadata?.isClosed === 'true' ? 'Lost' : 'Open';
}

export function createHubspotPipelines(call: Call) {
  let pipelines: Promise<HubspotPipeline[]> | null = null;
  const loadPipelines = (): Promise<HubspotPipeline[]> => {
    pipelines ??= call({ method: 'GET', path: '/crm/v3/pipelines/deals', ...READ })
      .then((answer) => parseResults(hubspotPipeline, answer.json, 'pipelines', (p) => p).records)
      .catch((error: unknown) => {
        pipelines = null;
        throw error;
      });
    return pipelines;
  };
  const index: PipelineIndex = {
    async stageKey(stageId) {
      for (const p of await loadPipelines())
        for (const s of p.stages)
          if (labelIdToNumber(s.id) === stageId) return { pipeline: p.id, stage: s.id };
      return null;
    },
    async pipelineKey(pipelineId) {
      return (await loadPipelines()).find((p) => labelIdToNumber(p.id) === pipelineId)?.id ?? null;
    },
    pipelines: loadPipelines,
  };
  const outcome =
    (list: HubspotPipeline[]) =>
    (stageId: string): StageOutcome => {
      for (const p of list) {
        const stage = p.stages.find((s) => s.id === stageId);
        if (stage) return stageOutcome(stage.metadata);
      }
      return stageId === 'closedwon' ? 'Won' : stageId === 'closedlost' ? 'Lost' : 'Open';
    };

  return {
    index,
    outcome,
    /** The pipelines as Threadline's model, read afresh. */
    async list(): Promise<Pipeline[]> {
      pipelines = null;
      const list = await loadPipelines();
      return list
        .filter((p) => p.archived !== true)
        .map(
          (p): Pipeline => ({
            id: labelIdToNumber(p.id),
            name: p.label.slice(0, 500),
            stages: [...p.stages]
              .filter((s) => s.archived !== true)
              .sort((a, b) => (a.displayOrder ?? 0) - (b.displayOrder ?? 0))
              .map((s) => {
                const probability = Number(s.metadata?.probability ?? Number.NaN);
                return {
                  id: labelIdToNumber(s.id),
                  name: s.label.slice(0, 500),
                  winProbability: Number.isFinite(probability) ? Math.round(probability * 100) : null,
                };
              }),
          }),
        );
    },
  };
}
