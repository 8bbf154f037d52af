import { ComityError } from '@comity/core';
import { describe, expect, it } from 'vitest';
import { parseStatusReference } from '../src/index.js';

describe('parseStatusReference (draft-20 §6.2)', () => {
  it('status-list-6.2-example: reads the draft example reference', () => {
    expect(parseStatusReference({ status_list: { idx: 0, uri: 'https://example.com/statuslists/1' } })).toEqual({
      idx: 0,
      uri: 'https://example.com/statuslists/1',
    });
  });

  it('status-list-6.2-extra-members: other members of status and status_list are ignored', () => {
    expect(parseStatusReference({ status_list: { idx: 9, uri: 'https://e.example/s', x: 1 }, other_mechanism: {} })).toEqual({
      idx: 9,
      uri: 'https://e.example/s',
    });
  });

  const bad: ReadonlyArray<readonly [string, unknown, readonly (string | number)[]]> = [
    ['status not an object', 'https://e.example', ['status']],
    ['status null', null, ['status']],
    ['status array', [], ['status']],
    ['status_list missing', {}, ['status', 'status_list']],
    ['status_list not an object', { status_list: 'x' }, ['status', 'status_list']],
    ['idx missing', { status_list: { uri: 'https://e.example/s' } }, ['status', 'status_list', 'idx']],
    ['idx string', { status_list: { idx: '1', uri: 'https://e.example/s' } }, ['status', 'status_list', 'idx']],
    ['idx negative', { status_list: { idx: -1, uri: 'https://e.example/s' } }, ['status', 'status_list', 'idx']],
    ['idx fraction', { status_list: { idx: 1.5, uri: 'https://e.example/s' } }, ['status', 'status_list', 'idx']],
    ['idx unsafe', { status_list: { idx: 2 ** 53, uri: 'https://e.example/s' } }, ['status', 'status_list', 'idx']],
    ['idx NaN', { status_list: { idx: Number.NaN, uri: 'https://e.example/s' } }, ['status', 'status_list', 'idx']],
    ['uri missing', { status_list: { idx: 1 } }, ['status', 'status_list', 'uri']],
    ['uri number', { status_list: { idx: 1, uri: 5 } }, ['status', 'status_list', 'uri']],
    ['uri empty', { status_list: { idx: 1, uri: '' } }, ['status', 'status_list', 'uri']],
    ['uri relative', { status_list: { idx: 1, uri: '/statuslists/1' } }, ['status', 'status_list', 'uri']],
    ['uri with space', { status_list: { idx: 1, uri: 'https://e.example/a b' } }, ['status', 'status_list', 'uri']],
    ['uri with control char', { status_list: { idx: 1, uri: 'https://e.example/\u0001' } }, ['status', 'status_list', 'uri']],
    ['uri too long', { status_list: { idx: 1, uri: `https://e.example/${'a'.repeat(9000)}` } }, ['status', 'status_list', 'uri']],
  ];
  for (const [name, value, path] of bad) {
    it(`status-list-6.2-reference-invalid: ${name}`, () => {
      try {
        parseStatusReference(value);
        expect.unreachable('should throw');
      } catch (e) {
        expect(e).toBeInstanceOf(ComityError);
        expect((e as ComityError).code).toBe('ERR_STATUS_REFERENCE_INVALID');
        expect((e as ComityError).details.path).toEqual(path);
      }
    });
  }
});
