import {describe, expect, test} from 'vitest';
import {bastionRefusalHint} from '../../../source/core/transport/bastion-refusal.js';
import {IP_CONNECT_DISABLED_MESSAGE, IP_CONNECT_PORTS_MESSAGE, NATIVE_CLIENT_SKU_MESSAGE} from '../../../source/lab/bastion/tunnel.js';

/** Issue 14: the "sign-in and Reader role" hint only when a Bastion's 401/403 is about authorization. */
const READER = /Reader role/;

describe('bastionRefusalHint', () => {
	test.each([
		[NATIVE_CLIENT_SKU_MESSAGE, /Native client support is off on bas-x.*--enable-tunneling true/],
		[IP_CONNECT_DISABLED_MESSAGE, /IP-based connection enabled/],
		[IP_CONNECT_PORTS_MESSAGE, /port 22 or 3389/],
		["Virtual machine 'web-01' is not reachable from Bastion Host 'bas-x'.", /cannot reach the VM.*peered/],
	])('403 "%s" gets its own hint, not the role one', (body, hint) => {
		const text = bastionRefusalHint(403, body, 'bas-x');
		expect(text).toMatch(hint);
		expect(text).not.toMatch(READER);
	});

	test.each([
		[401, 'The access token is from the wrong issuer.'],
		[403, "The client 'alice@contoso.com' does not have authorization to perform action 'Microsoft.Network/bastionHosts/read'."],
		[403, 'AuthorizationFailed'],
		[403, ''],
	])('%i "%s" is about authorization: the role hint', (status, body) => {
		expect(bastionRefusalHint(status, body, 'bas-x')).toMatch(READER);
	});

	test('other statuses, and a 403 about something else, get no hint', () => {
		expect(bastionRefusalHint(404, 'Not found', 'bas-x')).toBe('');
		expect(bastionRefusalHint(403, 'The Bastion is being updated.', 'bas-x')).toBe('');
	});
});
