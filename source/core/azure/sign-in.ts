import type {TokenCredential} from '@azure/identity';
import type {EntraSignIn} from '../entra/msal-sign-in.js';
import {armScope, type CloudSettings} from './cloud.js';
import {describeAzureError, describeDeviceCodeFailure, type AzureProblem} from './errors.js';
import type {DeviceCodePrompt} from './public-client.js';

/**
 * Sign-in for real Azure: the CLI-first chain, and vmux's own device-code sign-in (msal-node) when that fails.
 * The device-code sign-in is one object for everything: ARM and Key Vault tokens, and Entra SSH certificates
 * (`entra()`). @azure/identity (~22 MB) and msal-node are loaded on first use, not at start.
 */
export class AzureSignIn {
	private current: Promise<TokenCredential> | undefined;
	private entraSignIn: Promise<EntraSignIn> | undefined;
	/** A TokenCredential the SDK clients hold; it forwards to whichever credential is in use now. */
	readonly credential: TokenCredential = {
		getToken: async (scopes, options) => {
			// Once the user has signed in with vmux's own sign-in (L, or while connecting an Entra profile), that
			// sign-in serves every call: it is the one they chose, and the chain may have failed already.
			const own = this.entraSignIn ? await this.entraSignIn : undefined;
			return (own?.signedIn ? own.credential : await this.resolve()).getToken(scopes, options);
		},
	};

	constructor(
		readonly cloud: CloudSettings,
		readonly tenantId: string | undefined,
	) {}

	private resolve(): Promise<TokenCredential> {
		this.current ??= import('./credentials.js').then(m => m.createAzureCredential({cloud: this.cloud, tenantId: this.tenantId}));
		return this.current;
	}

	/** vmux's own Entra sign-in for this cloud and tenant (made on first use, signed in or not). */
	entra(): Promise<EntraSignIn> {
		this.entraSignIn ??= import('../entra/msal-sign-in.js').then(m => new m.EntraSignIn({cloud: this.cloud, tenantId: this.tenantId}));
		return this.entraSignIn;
	}

	/** Gets an ARM token: undefined when that works, otherwise the problem, as a sentence. */
	async check(): Promise<AzureProblem | undefined> {
		try {
			await this.credential.getToken(armScope(this.cloud));
			return undefined;
		} catch (error) {
			return describeAzureError(error, {doing: 'signing in'});
		}
	}

	/**
	 * Signs in with a device code, and from now on tokens come from that sign-in. `onDone` runs once, when the
	 * user has entered the code or the sign-in failed (declined, expired), so the prompt can be taken down.
	 */
	useDeviceCode(onPrompt: (prompt: DeviceCodePrompt) => void, onDone?: (error?: Error) => void): void {
		this.current = this.entra().then(entra => {
			// Started before the credential is handed out, so a token request made now waits for this sign-in.
			entra.signInWithDeviceCode(onPrompt).then(
				() => onDone?.(),
				(error: unknown) => onDone?.(new Error(describeDeviceCodeFailure(error))),
			);
			return entra.credential;
		});
	}
}
