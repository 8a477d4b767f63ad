import {chmodSync, existsSync, readFileSync, statSync} from 'node:fs';
import {delimiter} from 'node:path';
import {fileURLToPath} from 'node:url';
import {AZURE_CLI_CLIENT_ID} from '../../source/core/azure/credentials.js';
import type {LabEntra} from '../../source/lab/entra/index.js';
import {rawRequest} from '../lab/arm/helpers.js';

/**
 * The stand-in Azure CLI (test/fixtures/az/az, a node script) and what tests need around it: an environment that
 * puts it first on PATH, its run log, and a refresh token from the lab's Entra to sign it in with.
 */

export const FAKE_AZ_DIR = fileURLToPath(new URL('../fixtures/az/', import.meta.url));

export type FakeAzMode = '' | 'not-signed-in' | 'no-ssh-extension' | 'traceback' | 'hang' | 'broken' | 'no-certificate' | 'other-key';

export interface FakeAzConfig {
	mode?: FakeAzMode;
	/** The lab's origin, where the stand-in redeems the refresh token. */
	authority?: string;
	tenant?: string;
	refreshToken?: string;
	caFile?: string;
	cloud?: 'AzureCloud' | 'AzureChinaCloud' | 'AzureUSGovernment';
	log?: string;
	pidFile?: string;
}

/** This process's environment with the stand-in first on PATH and configured as asked. */
export function fakeAzEnv(config: FakeAzConfig = {}): NodeJS.ProcessEnv {
	const script = `${FAKE_AZ_DIR}az`;
	// A checkout may lose the executable bit; the stand-in must run as `az`.
	if ((statSync(script).mode & 0o111) === 0) chmodSync(script, 0o755);
	const settings: Record<string, string | undefined> = {
		VMUX_TEST_AZ_MODE: config.mode,
		VMUX_TEST_AZ_AUTHORITY: config.authority,
		VMUX_TEST_AZ_TENANT: config.tenant,
		VMUX_TEST_AZ_REFRESH_TOKEN: config.refreshToken,
		VMUX_TEST_AZ_CA_FILE: config.caFile,
		VMUX_TEST_AZ_CLOUD: config.cloud,
		VMUX_TEST_AZ_LOG: config.log,
		VMUX_TEST_AZ_PID_FILE: config.pidFile,
	};
	const env: NodeJS.ProcessEnv = {...process.env, PATH: `${FAKE_AZ_DIR}${delimiter}${process.env.PATH ?? ''}`};
	for (const [name, value] of Object.entries(settings)) {
		if (value) env[name] = value;
		else delete env[name];
	}
	return env;
}

export interface FakeAzRun {
	args: string[];
	command: string;
	directory?: string;
	directoryMode?: number;
	files?: string[];
	hung?: boolean;
	/** `account get-access-token`: the `--tenant` asked for, if any. */
	tenant?: string;
}

export function readFakeAzLog(file: string): FakeAzRun[] {
	if (!existsSync(file)) return [];
	return readFileSync(file, 'utf8')
		.split('\n')
		.filter(Boolean)
		.map(line => JSON.parse(line) as FakeAzRun);
}

/**
 * Signs in to the lab's Entra with the device-code flow in plain HTTPS calls, as `az login --use-device-code` would,
 * and returns the refresh token the stand-in az then keeps as its signed-in account.
 */
export async function labRefreshToken(origin: string, ca: string, entra: LabEntra, tenant = 'organizations'): Promise<string> {
	const form = (fields: Record<string, string>) => ({
		method: 'POST',
		ca,
		headers: {'content-type': 'application/x-www-form-urlencoded'},
		body: new URLSearchParams(fields).toString(),
	});
	const scope = 'https://management.azure.com/.default offline_access openid profile';
	const code = await rawRequest(`${origin}/${tenant}/oauth2/v2.0/devicecode`, form({client_id: AZURE_CLI_CLIENT_ID, scope}));
	if (code.status !== 200) throw new Error(`devicecode answered ${code.status}: ${code.text}`);
	const {device_code: deviceCode, user_code: userCode} = code.json as {device_code: string; user_code: string};
	entra.approve(userCode);
	const token = await rawRequest(
		`${origin}/${tenant}/oauth2/v2.0/token`,
		form({grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: AZURE_CLI_CLIENT_ID, device_code: deviceCode}),
	);
	const refreshToken = (token.json as {refresh_token?: string} | undefined)?.refresh_token;
	if (token.status !== 200 || !refreshToken) throw new Error(`the token endpoint answered ${token.status}: ${token.text}`);
	return refreshToken;
}
