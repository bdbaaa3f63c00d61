import { describe, expect, it } from 'vitest';
import { mayAutoLog } from './may-auto-log';

const base = {
  account: 'sam@corp.test',
  teammates: new Set(['tara@partner-corp.test', 'gina@gmail.com']),
  internalDomains: ['corp-subsidiary.test'],
  neverLog: ['globex.test', 'secret@acme.test'],
};

describe('mayAutoLog (the CRM’s rules plus the never-log list)', () => {
  it.each([
    ['bob@acme.test', true, { ok: true }],
    ['dave@initech.test', false, { ok: false, reason: 'notContact' }],
    ['tara@partner-corp.test', true, { ok: false, reason: 'teammate' }],
    // a teammate's domain counts as the company's, a public one does not
    ['other@partner-corp.test', true, { ok: false, reason: 'internalDomain' }],
    ['someone@gmail.com', true, { ok: true }],
    ['ivan@corp.test', true, { ok: false, reason: 'internalDomain' }],
    ['ops@eu.corp-subsidiary.test', true, { ok: false, reason: 'internalDomain' }],
    ['carol@globex.test', true, { ok: false, reason: 'neverLog' }],
    ['carol@mail.globex.test', true, { ok: false, reason: 'neverLog' }],
    ['secret@acme.test', true, { ok: false, reason: 'neverLog' }],
    ['Secret@ACME.test', true, { ok: false, reason: 'neverLog' }],
  ])('%s (contact: %s)', (address, isContact, expected) => {
    expect(mayAutoLog({ ...base, address, isContact })).toEqual(expected);
  });
});
