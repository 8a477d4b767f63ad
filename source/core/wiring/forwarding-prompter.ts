import type {Prompter} from '../session/types.js';

export interface ForwardingPrompter {
	/** What the session manager holds: it forwards to `holder.target`. */
	prompter: Prompter;
	/** The UI installs its dialogs here when it is up, and takes them away when it goes. */
	holder: {target: Prompter | undefined};
}

/**
 * The session manager is made before the UI that answers its questions, and outlives it on the way out: it holds
 * this prompter, which forwards to whatever UI is installed. Without one, a host key is rejected, a password is
 * cancelled and a sign-in is cancelled at once: nobody is there to answer. `rewriteSecretRequest` changes a
 * password prompt before it is shown (the demo names its per-run password there).
 */
export function forwardingPrompter(rewriteSecretRequest: (request: {title: string; prompt: string}) => {title: string; prompt: string} = request => request): ForwardingPrompter {
	const holder: {target: Prompter | undefined} = {target: undefined};
	const prompter: Prompter = {
		confirmUnknownHostKey: info => (holder.target ? holder.target.confirmUnknownHostKey(info) : Promise.resolve('reject')),
		askSecret: request => (holder.target ? holder.target.askSecret(rewriteSecretRequest(request)) : Promise.resolve(undefined)),
		// Without a UI (it is gone, or not yet up) nobody can sign in: the request is cancelled at once.
		showSignIn: (prompt, onCancel) => {
			const target = holder.target?.showSignIn;
			if (!target) {
				queueMicrotask(onCancel);
				return () => {};
			}
			return target(prompt, onCancel);
		},
	};
	return {prompter, holder};
}
