import type {CommandContext, CommandDefinition, CommandState} from '../../core/commands/command-table.js';
import type {KeyTable} from '../../core/commands/key-spec.js';
import type {Keymap} from '../../core/commands/keymap.js';
import type {KeyCommands} from '../input/input-router.js';

/** What the dispatcher needs of the app: its state when a key arrives, and the actions commands call. */
export interface CommandTarget {
	/** The state now, or undefined while nothing may run (a dialog has the keyboard). */
	state(): CommandState | undefined;
	actions: Omit<CommandContext, 'state'>;
}

/**
 * The one way from a key to a command: the input router hands it every key typed after the prefix and
 * every plain key while the focus names a key table for them (the VM list's); the keymap names the command that key starts
 * where the user is, and the command runs at once (before React renders: the next key sees its effect).
 */
export class CommandDispatcher implements KeyCommands {
	constructor(
		private readonly keymap: Keymap,
		private readonly target: CommandTarget,
		private readonly onRun?: (command: CommandDefinition) => void,
	) {}

	prefixKey(key: string): void {
		this.dispatch('prefix', key);
	}

	plainKey(table: KeyTable, key: string): boolean {
		return this.dispatch(table, key);
	}

	/** Runs the command bound to this key, if one applies now; false when none did. */
	dispatch(table: KeyTable, key: string): boolean {
		const state = this.target.state();
		if (!state) return false;
		const command = this.keymap.resolve(table, key, state);
		if (!command) return false;
		this.onRun?.(command);
		command.run({...this.target.actions, state});
		return true;
	}
}
