/** What a Gmail double page contains: the account, and threads with their messages. */
export interface DoublePerson {
  name: string;
  address: string;
}

export interface DoubleMessage {
  messageId: string;
  from: DoublePerson;
  to: DoublePerson[];
  cc?: DoublePerson[];
  date: string;
  body: string;
  /** Shown collapsed: only the sender is visible until the message is clicked. */
  collapsed?: boolean;
}

export interface DoubleThread {
  threadId: string;
  subject: string;
  messages: DoubleMessage[];
}

export interface GmailDoubleFixture {
  account: string;
  threads: DoubleThread[];
  /** Gmail's dark theme (the page background the content script looks at). */
  dark?: boolean;
  /**
   * Gmail's side panel: `late` (default) loads after the main view, `never` never appears (Calendar
   * or Gemini holds it), `null` appears but gives no panel. `?panel=` in the page URL overrides it.
   */
  sidePanel?: 'late' | 'never' | 'null';
}

export const demoFixture: GmailDoubleFixture = {
  account: 'sam.seller@threadline-demo.test',
  threads: [
    {
      threadId: '18c0a1b2c3d4e5f6',
      subject: 'Pricing for the Q3 rollout',
      messages: [
        {
          messageId: '<m1@acme.test>',
          from: { name: 'Alice Doe', address: 'alice.doe@acme.test' },
          to: [{ name: 'Sam Seller', address: 'sam.seller@threadline-demo.test' }],
          cc: [{ name: 'Bob Buyer', address: 'bob@acme.test' }],
          date: 'Nov 20, 2026, 9:14 AM',
          body: 'Hi Sam, could you send pricing for 40 seats?',
        },
        {
          messageId: '<m2@threadline-demo.test>',
          from: { name: 'Sam Seller', address: 'sam.seller@threadline-demo.test' },
          to: [{ name: 'Alice Doe', address: 'alice.doe@acme.test' }],
          date: 'Nov 20, 2026, 10:02 AM',
          body: 'Of course — attached is our proposal.',
        },
      ],
    },
    {
      threadId: '18c0ffee00000002',
      subject: 'Intro: Carol from Globex',
      messages: [
        {
          messageId: '<m3@globex.test>',
          from: { name: 'Carol Chen', address: 'carol.chen@globex.test' },
          to: [
            { name: 'Sam Seller', address: 'sam.seller@threadline-demo.test' },
            { name: '', address: 'dave@initech.test' },
          ],
          date: 'Nov 21, 2026, 4:40 PM',
          body: 'Great to meet you both.',
        },
      ],
    },
    {
      threadId: '18c0ffee00000003',
      subject: '',
      messages: [
        {
          messageId: '<m4@example.test>',
          from: { name: 'Erin Example', address: 'erin@example.test' },
          to: [{ name: 'Sam Seller', address: 'sam.seller@threadline-demo.test' }],
          date: 'Nov 22, 2026, 8:00 AM',
          body: '(no subject, on purpose)',
        },
      ],
    },
  ],
};

/** A thread with one message to `count` recipients (a mailing-list blast), for the stress tests. */
export function hugeThreadFixture(count: number): GmailDoubleFixture {
  return {
    account: demoFixture.account,
    threads: [
      {
        threadId: '18c0b16b16b16b16',
        subject: 'All-hands: the whole company on one thread',
        messages: [
          {
            messageId: '<huge@acme.test>',
            from: { name: 'Alice Doe', address: 'alice.doe@acme.test' },
            to: Array.from({ length: count }, (_, i) => ({
              name: `Recipient ${i}`,
              address: `recipient${i}@bulk${i % 97}.test`,
            })),
            date: 'Nov 22, 2026, 9:00 AM',
            body: 'Hello everyone.',
          },
        ],
      },
    ],
  };
}

/** The demo fixture plus one long thread between Alice and Sam (`count` messages), for logging tests. */
export function longThreadFixture(count: number): GmailDoubleFixture {
  const alice = { name: 'Alice Doe', address: 'alice.doe@acme.test' };
  const sam = { name: 'Sam Seller', address: 'sam.seller@threadline-demo.test' };
  return {
    account: demoFixture.account,
    threads: [
      ...demoFixture.threads,
      {
        threadId: '18c0aaaa00000050',
        subject: 'Rollout plan, week by week',
        messages: Array.from({ length: count }, (_, i) => ({
          messageId: `<long-${i}@acme.test>`,
          from: i % 2 === 0 ? alice : sam,
          to: [i % 2 === 0 ? sam : alice],
          date: `Nov ${1 + (i % 20)}, 2026, ${1 + (i % 11)}:00 AM`,
          body: `Week ${i + 1}: rollout notes.`,
        })),
      },
    ],
  };
}
