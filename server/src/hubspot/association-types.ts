/**
 * HubSpot-defined association types between the objects this server serves: [id, from, to, label].
 * The reference lists them with their source [NODE] (hubspot-api-nodejs `src/enums/AssociationTypes.ts`),
 * company↔email/note/task and the deal→note/task reverses included. Labels: the primary types are labelled "Primary"; the rest are unlabelled
 * (label null) — the label wording is unconfirmed.
 */
import type { ObjectType } from './object-types';

export interface AssociationType {
  id: number;
  from: ObjectType;
  to: ObjectType;
  label: string | null;
  /** The type `PUT …/associations/default/…` and the seed use for the pair. */
  isDefault: boolean;
  /** The same association read from the other side. */
  reverse: number;
}

type Row = [id: number, from: ObjectType, to: ObjectType, reverse: number, label?: string];

const ROWS: Row[] = [
  [279, 'contacts', 'companies', 280],
  [280, 'companies', 'contacts', 279],
  [1, 'contacts', 'companies', 2, 'Primary'],
  [2, 'companies', 'contacts', 1, 'Primary'],
  [3, 'deals', 'contacts', 4],
  [4, 'contacts', 'deals', 3],
  [341, 'deals', 'companies', 342],
  [342, 'companies', 'deals', 341],
  [5, 'deals', 'companies', 6, 'Primary'],
  [6, 'companies', 'deals', 5, 'Primary'],
  [202, 'notes', 'contacts', 201],
  [201, 'contacts', 'notes', 202],
  [190, 'notes', 'companies', 189],
  [189, 'companies', 'notes', 190],
  [214, 'notes', 'deals', 213],
  [213, 'deals', 'notes', 214],
  [198, 'emails', 'contacts', 197],
  [197, 'contacts', 'emails', 198],
  [186, 'emails', 'companies', 185],
  [185, 'companies', 'emails', 186],
  [210, 'emails', 'deals', 209],
  [209, 'deals', 'emails', 210],
  [204, 'tasks', 'contacts', 203],
  [203, 'contacts', 'tasks', 204],
  [192, 'tasks', 'companies', 191],
  [191, 'companies', 'tasks', 192],
  [216, 'tasks', 'deals', 215],
  [215, 'deals', 'tasks', 216],
];

export const ASSOCIATION_TYPES: readonly AssociationType[] = ROWS.map(([id, from, to, reverse, label]) => ({
  id,
  from,
  to,
  reverse,
  label: label ?? null,
  isDefault: label === undefined,
}));

export const associationType = (id: number): AssociationType | undefined =>
  ASSOCIATION_TYPES.find((t) => t.id === id);

export const defaultAssociationType = (from: ObjectType, to: ObjectType): AssociationType | undefined =>
  ASSOCIATION_TYPES.find((t) => t.from === from && t.to === to && t.isDefault);
