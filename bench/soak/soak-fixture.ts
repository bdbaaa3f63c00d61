import { type DoubleThread, demoFixture, type GmailDoubleFixture } from '../../test/gmail-double/fixture';

/** Messages per soak thread: logging one thread on one record is this many writes. */
export const MESSAGES_PER_THREAD = 2;

/**
 * The Gmail double for the soak: the demo threads (the first link asks for consent on the pricing
 * thread) plus `count` threads from outside senders, each with MESSAGES_PER_THREAD messages, whose
 * ids are unique per run seed so every logged message can be found in the CRM by its marker.
 */
export function soakFixture(count: number, seed: number): GmailDoubleFixture {
  const sam = { name: 'Sam Seller', address: demoFixture.account };
  const threads: DoubleThread[] = Array.from({ length: count }, (_, t) => {
    const sender = { name: `Sender ${t}`, address: `sender${t}@soak-threads.test` };
    return {
      threadId: `50a4${seed.toString(16)}${t.toString(16).padStart(6, '0')}`,
      subject: `Soak thread ${t}`,
      messages: Array.from({ length: MESSAGES_PER_THREAD }, (_, m) => ({
        messageId: `<soak-${seed}-${t}-${m}@soak-threads.test>`,
        from: m % 2 === 0 ? sender : sam,
        to: [m % 2 === 0 ? sam : sender],
        date: `Nov ${1 + (m % 20)}, 2026, ${1 + (t % 11)}:00 AM`,
        body: `Soak message ${m} of thread ${t}.`,
      })),
    };
  });
  return { account: demoFixture.account, threads: [...demoFixture.threads, ...threads] };
}
