import type {VmuxPty} from './pty-driver.js';

/** The default prefix key, Ctrl-b, as the terminal sends it. */
export const PREFIX = '\x02';

/** jump-01's shell prompt in the demo lab. */
export const JUMP_PROMPT = /azureuser@jump-01:~[#$] *$/m;

/** In `vmux --demo`: connects to jump-01 (direct, local key) from the VM list, accepts its host key, waits for the prompt. */
export async function connectJump(vmux: VmuxPty): Promise<void> {
	await vmux.waitFor('jump-01');
	vmux.write('/jump\r');
	await vmux.waitFor('Unknown host key');
	vmux.write('s');
	await vmux.waitFor(JUMP_PROMPT);
}
