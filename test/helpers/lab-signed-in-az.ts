import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startLabArm, type LabArm} from '../../source/lab/arm/index.js';
import {mountLabEntra, type LabEntra} from '../../source/lab/entra/index.js';
import {mountLabKeyVault, type LabKeyVault} from '../../source/lab/keyvault/index.js';
import {fakeAzEnv, labRefreshToken} from './fake-az.js';
import {TEST_LAB_CREDENTIALS} from './lab-credentials.js';

export interface LabSignedInWithAz {
	arm: LabArm;
	entra: LabEntra;
	keyVault: LabKeyVault;
	/** A scratch directory, removed by `close`. */
	scratch: string;
	/** The lab's CA certificate, as a file (settings.json's `caFile`, the stand-in az's bundle). */
	caFile: string;
	/** The stand-in az's log of runs (readFakeAzLog). */
	log: string;
	/** Stops the lab, puts process.env back and removes the scratch directory. */
	close(): Promise<void>;
}

/**
 * The lab's ARM, Entra ID and Key Vault on one HTTPS server, and this process signed in through the stand-in Azure
 * CLI (test/fixtures/az) with a refresh token, as `az login` leaves it: AzureCliCredential runs `az` from
 * process.env, which this replaces (vitest runs each file in its own process) without the variables that would
 * make another credential of the chain answer first.
 */
export async function startLabSignedInWithAz(scratchPrefix: string): Promise<LabSignedInWithAz> {
	const savedEnv = process.env;
	const arm = await startLabArm();
	const entra = mountLabEntra(arm.server, {tokens: arm.tokens, interval: 1});
	const keyVault = mountLabKeyVault(arm.server, {tokens: arm.tokens, armFaults: arm.faults, credentials: TEST_LAB_CREDENTIALS, tenantOf: id => arm.topology.tenantOf(id)});
	const scratch = mkdtempSync(join(tmpdir(), scratchPrefix));
	const caFile = join(scratch, 'lab-ca.pem');
	writeFileSync(caFile, arm.ca);
	const log = join(scratch, 'az.log');
	const refreshToken = await labRefreshToken(arm.url, arm.ca, entra);
	const env = fakeAzEnv({authority: arm.url, refreshToken, caFile, log});
	for (const name of ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_FEDERATED_TOKEN_FILE', 'AZURE_USERNAME']) delete env[name];
	process.env = env;
	return {
		arm,
		entra,
		keyVault,
		scratch,
		caFile,
		log,
		close: async () => {
			process.env = savedEnv;
			keyVault.close();
			entra.close();
			await arm.close();
			rmSync(scratch, {recursive: true, force: true});
		},
	};
}
