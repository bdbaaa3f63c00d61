import { describe, expect, it } from 'vitest';
import { classifyGmailPage } from './classify-gmail-page';

describe('classifyGmailPage', () => {
  it.each([
    ['https://mail.google.com/mail/u/0/#inbox', 'mail'],
    ['https://mail.google.com/mail/u/1/#inbox/18c0a1b2c3d4e5f6', 'mail'],
    ['https://mail.google.com/mail/#search/pricing', 'mail'],
    ['https://mail.google.com/mail/u/0/?tab=rm&ogbl#inbox', 'mail'],
    ['https://mail.google.com/mail/u/0/?panel=never#inbox', 'mail'],
    ['https://mail.google.com/mail/u/0/popout?ver=1&th=18c0a1b2c3d4e5f6', 'popout'],
    ['https://mail.google.com/mail/u/0/?ik=abc&view=pt&search=all&th=1', 'other'],
    ['https://mail.google.com/mail/u/0/?ik=abc&view=om&permmsgid=msg-f:1', 'other'],
    ['https://mail.google.com/chat/u/0/', 'other'],
    ['https://mail.google.com/mail/mu/mp/', 'other'],
    ['https://example.test/mail/u/0/', 'other'],
    ['not a url', 'other'],
  ])('%s is %s', (url, kind) => {
    expect(classifyGmailPage(url)).toBe(kind);
  });
});
