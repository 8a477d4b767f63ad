import {LAB_USERNAME, type LabCredentials} from './credentials.js';

/**
 * The demo's password is new each run, so a password prompt for the demo user says what it is: the user
 * typing it is the one who started the demo, and it opens nothing once this run ends.
 */
export function withDemoPasswordHint(request: {title: string; prompt: string}, credentials: LabCredentials): {title: string; prompt: string} {
	if (!request.title.startsWith(`Password for ${LAB_USERNAME}@`)) return request;
	return {...request, prompt: `Password (this demo run's: ${credentials.password}):`};
}
