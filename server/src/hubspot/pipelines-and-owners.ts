/**
 * The account's deal pipelines and owners. Pipelines are fixed (the demo world's two, as HubSpot
 * would hold them: the built-in `default` pipeline with internal stage ids, and a custom one with
 * numeric ids); owners are the demo users.
 */
import type { Db } from '../db/open-database';
import { SEED_NOW } from '../seed/generate-demo-world';

export interface Stage {
  id: string;
  label: string;
  /** 0.0 (lost) – 1.0 (won), as HubSpot's metadata string. */
  probability: string;
  isClosed: boolean;
}

export interface Pipeline {
  id: string;
  label: string;
  stages: Stage[];
}

const stage = (id: string, label: string, probability: string, isClosed = false): Stage => ({
  id,
  label,
  probability,
  isClosed,
});

export const HUBSPOT_PIPELINES: readonly Pipeline[] = [
  {
    id: 'default',
    label: 'Sales Pipeline',
    stages: [
      stage('qualifiedtobuy', 'Qualified', '0.05'),
      stage('appointmentscheduled', 'Meeting Scheduled', '0.2'),
      stage('presentationscheduled', 'Proposal', '0.5'),
      stage('decisionmakerboughtin', 'Negotiation', '0.75'),
      stage('contractsent', 'Closing', '0.9'),
      stage('closedwon', 'Closed Won', '1.0', true),
      stage('closedlost', 'Closed Lost', '0.0', true),
    ],
  },
  {
    id: '213215',
    label: 'Renewals',
    stages: [
      stage('987800', 'Upcoming', '0.5'),
      stage('987801', 'In Discussion', '0.7'),
      stage('987802', 'Committed', '0.95'),
      stage('987803', 'Renewed', '1.0', true),
      stage('987804', 'Churned', '0.0', true),
    ],
  },
];

/** When the pipelines (and owners) were made, for their createdAt/updatedAt. */
export const ACCOUNT_CREATED_MS = (SEED_NOW - 800 * 86_400) * 1000;

export const findPipeline = (id: string): Pipeline | undefined => HUBSPOT_PIPELINES.find((p) => p.id === id);

export interface Owner {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  userId: number;
}

/** Owner ids look like HubSpot's (8 digits); the user id beside it is HubSpot's user, not the owner. */
const OWNER_ID_BASE = 71_000_000;
const USER_ID_BASE = 9_100_000;

export const ownerIdOf = (userId: number): string => String(OWNER_ID_BASE + userId);

export function listOwners(db: Db): Owner[] {
  const users = db.prepare('SELECT id, name, email FROM users ORDER BY id').all() as {
    id: number;
    name: string;
    email: string;
  }[];
  return users.map((u) => {
    const [firstName = '', ...rest] = u.name.split(' ');
    return {
      id: ownerIdOf(u.id),
      email: u.email,
      firstName,
      lastName: rest.join(' '),
      userId: USER_ID_BASE + u.id,
    };
  });
}
