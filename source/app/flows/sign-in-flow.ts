import type {AppServices} from '../app-services.js';
import type {Dialogs} from '../dialogs/dialogs.js';
import type {UiState} from '../focus/ui-state.js';

/** `L`: asks, then shows the device code until it is redeemed (or refused), and says how it went. */
export function offerSignIn(signIn: AppServices['signIn'], ui: UiState, dialogs: Dialogs): void {
	if (!signIn) return ui.setNotice({text: 'The demo lab needs no sign-in.', tone: 'info'});
	dialogs.confirm(
		{
			title: 'Sign in to Azure?',
			message: 'No Azure sign-in worked (Azure CLI, environment, workload or managed identity). Sign in with a device code in your browser?',
			yesLabel: 'sign in',
		},
		() => {
			let closePrompt: (() => void) | undefined;
			signIn.start(
				prompt => {
					closePrompt = dialogs.message({title: 'Sign in with a device code', message: `Open ${prompt.url} and enter the code ${prompt.code}. This closes by itself once you are signed in.`, tone: 'info'});
				},
				error => {
					// The code was redeemed (or refused, expired): the prompt has done its job either way.
					closePrompt?.();
					ui.setNotice(error ? {text: `The device-code sign-in did not complete: ${error.message}`, tone: 'error'} : {text: 'Signed in to Azure; listing your VMs…', tone: 'info'});
				},
			);
		},
	);
}
