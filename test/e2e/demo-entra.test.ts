import {afterEach, describe, expect, it} from 'vitest';
import {VmuxPty} from './pty-driver.js';

/**
 * Issue 9's demo: app-01's profile logs in with Microsoft Entra ID. vmux checks the host key first, then signs
 * in with a device code (shown on screen; the demo's lab approves it by itself after a moment), gets an SSH
 * certificate for an ephemeral key from the lab's Entra, and logs in as the certificate's first principal.
 */
describe('Microsoft Entra ID login in vmux --demo (real PTY, lab Entra, lab ssh2 server checking the certificate)', () => {
	let vmux: VmuxPty | undefined;
	afterEach(() => {
		vmux?.dispose();
		vmux = undefined;
	});

	it('asks for the host key first, shows the device code, logs in as alice and shows who and until when', {timeout: 90_000}, async () => {
		// A user behind a corporate proxy: HTTPS_PROXY points at one that cannot reach anything (port 9). The demo's
		// Azure is on loopback and must bypass it (lab/demo.ts adds its names to NO_PROXY), sign-in and tunnel alike.
		vmux = new VmuxPty(['--demo'], {env: {HTTPS_PROXY: 'http://127.0.0.1:9', NO_PROXY: 'example.com'}});
		await vmux.waitFor('app-01');
		vmux.write('/app-01\r');
		// The host key is checked before any sign-in is asked for.
		const hostKey = await vmux.waitFor('Unknown host key');
		expect(hostKey).not.toMatch(/enter the code/);
		vmux.write('o');
		const signIn = await vmux.waitFor(/enter the code [A-Z0-9]{9}/);
		expect(signIn).toContain('Sign in to Microsoft Entra ID');
		expect(signIn).toMatch(/Open https:\/\/\S+\/devicelogin/);
		// The lab approves the code; the certificate's first principal, lower-cased, is the login name.
		await vmux.waitFor(/alice@contoso\.com@app-01:~[#$] *$/m);
		vmux.write('whoami\r');
		await vmux.waitFor(/^alice@contoso\.com$/m);
		const screen = vmux.screen();
		// The tab bar names who the session is logged in as, and until when the certificate is valid.
		expect(screen.split('\n')[0]).toMatch(/alice@contoso\.com until \d\d:\d\d/);
		// So does the session picker.
		vmux.write('\x02w');
		const picker = await vmux.waitFor('LOGGED IN AS');
		expect(picker).toMatch(/app-01\s+● open\s+\S+\s+alice@contoso\.com until \d\d:\d\d/);
	});
});
