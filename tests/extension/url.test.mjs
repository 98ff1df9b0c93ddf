import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { hostPermissionPattern, joinUrl, normalizeApiUrl } from '../../extension/lib/url.js';

describe('lib/url', () => {
  it('normalises user-typed URLs', () => {
    assert.equal(normalizeApiUrl(' http://127.0.0.1:8000/ '), 'http://127.0.0.1:8000');
    assert.equal(normalizeApiUrl('https://crm.example.com/pingcrm/?x=1#y'), 'https://crm.example.com/pingcrm');
    assert.equal(normalizeApiUrl('HTTPS://CRM.Example.com'), 'https://crm.example.com');
    for (const bad of ['', 'localhost:8000', 'ftp://x', 'javascript:alert(1)', 'http://user:pw@host', null, 42]) {
      assert.equal(normalizeApiUrl(bad), null, String(bad));
    }
  });

  it('builds a host permission pattern without the port', () => {
    assert.equal(hostPermissionPattern('http://10.0.0.5:8000'), 'http://10.0.0.5/*');
    assert.equal(hostPermissionPattern('https://crm.example.com/pingcrm'), 'https://crm.example.com/*');
  });

  it('joins only absolute paths that stay on the API origin', () => {
    assert.equal(joinUrl('http://h:1/base', '/api/v1/x?code=A'), 'http://h:1/base/api/v1/x?code=A');
    assert.throws(() => joinUrl('http://h:1', 'api/v1'), TypeError);
    assert.throws(() => joinUrl('http://h:1', '//evil.example/x'), TypeError);
    assert.throws(() => joinUrl('http://h:1', 'https://evil.example/x'), TypeError);
    assert.throws(() => joinUrl('http://h', '@evil.example/x'), TypeError);
  });
});
