/**
 * The worker's end of the tab lane (shared/tab-lane.ts): the keys it issues, the pairs of ports (the
 * sidebar's and its page's) it takes, and which copy of a lane message runs.
 */
import { z } from 'zod/mini';
import { lazySchema } from '../shared/lazy-schema';
import type { Logger } from '../shared/logger';
import type { AnyRequest } from '../shared/protocol';
import {
  closeLanePorts,
  isLaneType,
  type LanePort,
  type LanePorts,
  type LaneType,
  laneFamily,
  laneKeySchema,
  laneOpenSchema,
  newLaneKey,
} from '../shared/tab-lane';
import type { SenderContext } from './classify-sender';
import type { Dispatch } from './create-router';
import type { KeyValueArea } from './platform';

/** storage.session: each tab's key and the content script it was issued to, across worker restarts. */
const SESSION_KEY = 'tabLanes';

const issuedSchema = lazySchema(() =>
  z.record(
    z.string(),
    z.object({
      key: laneKeySchema,
      documentId: z.nullable(z.string()),
      frameId: z.nullable(z.number()),
    }),
  ),
);
type Issued = z.infer<typeof issuedSchema>;

export interface TabLanes {
  /** The key of a Gmail content script's document: new for a new document, the same on asking again. */
  issue(context: SenderContext): Promise<string | null>;
  /** The key issued in this tab, for its sidebar. */
  keyOf(tabId: number): Promise<string | null>;
  /**
   * A sidebar's `threadlineLaneOpen` with its port and its page's: refused (both closed) unless the
   * key was issued; the messages on the page's port then go through `dispatch` (the router's checks)
   * as the content script's. Answers the tab, the connection and the lane to send that sidebar's
   * answers on (closing it closes both ports), or null when refused.
   */
  open(
    data: unknown,
    ports: LanePorts,
    dispatch: Dispatch,
  ): Promise<{ tabId: number; connection: string; lane: LanePort } | null>;
  /** False when this lane message (by type family and `seq`) already ran for its document. */
  firstCopy(request: AnyRequest, context: SenderContext): boolean;
  /**
   * The same question asked of a message not yet parsed, without recording it: true only when a copy
   * with this `seq` or a later one already ran for the sender's document (the router asks only for a
   * sender the message's type allows: the content script). The router then
   * answers it without parsing it again, or running the account gate again, for the copy that
   * arrives second (every thread open, once the lane is up).
   */
  ranBefore(message: unknown, context: SenderContext): boolean;
  forget(tabId: number): void;
}

export function createTabLanes(options: { session: KeyValueArea; logger: Logger }): TabLanes {
  const { session, logger } = options;
  let issued: Promise<Issued> | null = null;
  /** Whether the keys were read: a failed read must not be saved over the other tabs' keys. */
  let readable = false;
  const load = (): Promise<Issued> => {
    issued ??= session.get(SESSION_KEY).then(
      (raw) => {
        const parsed = issuedSchema.safeParse(raw ?? {});
        readable = true;
        return parsed.success ? parsed.data : {};
      },
      () => {
        issued = null; // read again next time
        return {};
      },
    );
    return issued;
  };
  const save = async (all: Issued): Promise<void> => {
    if (!readable) return;
    await session.set(SESSION_KEY, all).catch(() => logger.warn('lane.saveFailed', {}));
  };
  /** The highest `seq` run, per document and family (opens and closes share one count). */
  const seen = new Map<string, number>();
  const seenId = (type: LaneType, context: SenderContext): string =>
    `${context.tabId}|${context.documentId ?? context.frameId}|${laneFamily(type)}`;
  /** Whether this `seq`, or a later one of its family, already ran (`id`: its `seenId`). */
  const ran = (id: string, seq: number): boolean => {
    const last = seen.get(id);
    return last !== undefined && seq <= last;
  };

  return {
    async issue(context) {
      if (context.kind !== 'gmailContentScript' || context.tabId === null) return null;
      const all = await load();
      const mine = all[context.tabId];
      if (mine && mine.documentId === context.documentId && mine.frameId === context.frameId) return mine.key;
      const key = newLaneKey();
      all[context.tabId] = { key, documentId: context.documentId, frameId: context.frameId };
      // Not waited for (the answer to hostStatus gates the tab's thread opens): unsaved, a worker that
      // restarts soon after only loses the lane until the page loads again.
      void save(all);
      return key;
    },
    async keyOf(tabId) {
      return (await load())[tabId]?.key ?? null;
    },
    async open(data, ports, dispatch) {
      const parsed = laneOpenSchema.safeParse(data);
      const all = await load();
      const tab = parsed.success
        ? Object.entries(all).find(([, entry]) => entry.key === parsed.data.key)
        : undefined;
      const { sidebar, page } = ports;
      const lane: LanePort = {
        postMessage: (message) => sidebar.postMessage(message),
        onmessage: null,
        close: () => closeLanePorts(ports),
      };
      if (!parsed.success || !tab) {
        logger.warn('lane.rejected', { reason: parsed.success ? 'unknown key' : 'bad shape' });
        lane.close();
        return null;
      }
      const [tabText, entry] = tab;
      const tabId = Number(tabText);
      const context: SenderContext = {
        kind: 'gmailContentScript',
        tabId,
        frameId: entry.frameId,
        documentId: entry.documentId,
      };
      // Straight from the content script (the sidebar handed its port over); the sidebar's own port
      // only carries answers, so nothing that comes on it is read.
      page.onmessage = (event) => {
        const type = (event.data as { type?: unknown } | null)?.type;
        if (!isLaneType(type)) {
          logger.warn('lane.message.rejected', { reason: 'not a lane message' });
          return;
        }
        // Fire and forget: the same request also came on the content script's port, whose sender
        // awaits the answer.
        void dispatch(event.data, context);
      };
      logger.info('lane.opened', { tab: tabId });
      return { tabId, connection: parsed.data.connection, lane };
    },
    firstCopy(request, context) {
      if (!isLaneType(request.type)) return true;
      const seq = (request as Extract<AnyRequest, { type: LaneType }>).seq;
      if (seq === undefined) return true;
      const id = seenId(request.type, context);
      if (ran(id, seq)) return false;
      seen.set(id, seq);
      return true;
    },
    ranBefore(message, context) {
      if (typeof message !== 'object' || message === null) return false;
      const { type, seq } = message as { type?: unknown; seq?: unknown };
      return isLaneType(type) && typeof seq === 'number' && ran(seenId(type, context), seq);
    },
    forget(tabId) {
      for (const id of [...seen.keys()]) if (id.startsWith(`${tabId}|`)) seen.delete(id);
      void load().then((all) => {
        if (!(tabId in all)) return;
        delete all[tabId];
        return save(all);
      });
    },
  };
}
