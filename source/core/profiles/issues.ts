/**
 * Turns zod issues into sentences a person can act on: which file, which profile (by name, else by index),
 * which field, what is there now and what is expected (issue 4: "every error names the thing and the fix").
 */
import type * as z from 'zod';
import {printable} from './printable.js';

type Issue = z.ZodError['issues'][number];
type PathKey = PropertyKey;

export interface IssueContext {
	/** 'file': paths start at the profiles file (`profiles.3.port`); 'profile': at one profile; 'settings': at the settings. */
	root: 'file' | 'profile' | 'settings';
	/** Prefixes every sentence, e.g. the profiles file path. */
	source?: string;
	/** For root 'profile': where the profile sits in its file, when known. */
	index?: number;
}

// Keys that only a secret would use. A profile never holds one (DESIGN §5), so say why instead of "unknown field".
const SECRET_KEY = /pass(word|phrase)?|secret|private|token|credential|^key$|^value$/i;

export function describeIssues(issues: readonly Issue[], input: unknown, context: IssueContext): string[] {
	return issues.map(issue => describeIssue(issue, input, context));
}

function describeIssue(issue: Issue, input: unknown, context: IssueContext): string {
	const {subject, fieldPath} = splitSubject(issue.path, input, context);
	const prefix = context.source ? `${context.source}: ` : '';
	const lead = subject ? `${capitalize(subject)}: ` : '';

	if (issue.code === 'unrecognized_keys') {
		// A hostile file may have thousands of unknown keys: say how many, name a few (secrets first), not all.
		if (issue.keys.length > 3) {
			const secrets = issue.keys.filter(key => SECRET_KEY.test(key)).slice(0, 2);
			const examples = issue.keys.slice(0, 3).map(key => joinPath([...fieldPath, key]));
			const sentences = secrets.map(key => secretSentence(joinPath([...fieldPath, key])));
			sentences.push(`${issue.keys.length} fields are not fields vmux knows (such as ${examples.join(', ')}): remove them or check their spelling.`);
			return prefix + lead + sentences.join(' ');
		}
		const sentences = issue.keys.map(key => {
			const field = joinPath([...fieldPath, key]);
			return SECRET_KEY.test(key) ? secretSentence(field) : `${field} is not a field vmux knows: remove it or check its spelling.`;
		});
		return prefix + lead + sentences.join(' ');
	}

	const field = joinPath(fieldPath);
	const value = valueAt(input, issue.path);
	const expected = expectation(issue);
	const found = value === undefined ? 'is missing' : `is ${describeValue(value)}`;
	if (field === '') {
		return `${prefix}${lead}${value === undefined ? 'nothing there' : `found ${describeValue(value)}`}; expected ${expected}.`;
	}
	return `${prefix}${lead}${field} ${found}; expected ${expected}.`;
}

function secretSentence(field: string): string {
	return `${field} looks like a secret, and profiles never store secrets (vmux asks for passwords and passphrases when it connects, or reads them from Key Vault): remove ${field}.`;
}

/** Custom messages in ./schema.ts are expectations; zod's own ("Invalid input: expected …") are reworded. */
function expectation(issue: Issue): string {
	const message = issue.message;
	const builtIn = /^(Invalid|Too (small|big)|Expected)/.exec(message);
	if (!builtIn) return message;
	switch (issue.code) {
		case 'invalid_type':
			return `a value of type ${issue.expected}`;
		case 'invalid_value':
			return `one of ${issue.values.map(value => JSON.stringify(value)).join(', ')}`;
		default:
			return message.replace(/^Invalid input: /, '').replace(/^expected /, '');
	}
}

function splitSubject(path: readonly PathKey[], input: unknown, context: IssueContext): {subject: string; fieldPath: PathKey[]} {
	if (context.root === 'profile') {
		return {subject: nameProfile(input, context.index), fieldPath: [...path]};
	}
	if (context.root === 'file' && path[0] === 'profiles' && typeof path[1] === 'number') {
		const profile = valueAt(input, path.slice(0, 2));
		return {subject: nameProfile(profile, path[1]), fieldPath: path.slice(2)};
	}
	return {subject: context.root === 'settings' ? 'settings' : '', fieldPath: [...path]};
}

/** "profile "web-01" (profiles[2])", or "profiles[2]" when it has no usable name. */
export function nameProfile(profile: unknown, index?: number): string {
	const name = typeof profile === 'object' && profile !== null ? (profile as {name?: unknown}).name : undefined;
	const where = index === undefined ? '' : `profiles[${index}]`;
	if (typeof name === 'string' && name.trim() !== '') {
		const shown = printable(name, 40);
		return where ? `profile "${shown}" (${where})` : `profile "${shown}"`;
	}
	return where ? `the profile at ${where}` : 'the profile';
}

function joinPath(path: readonly PathKey[]): string {
	let text = '';
	for (const key of path) {
		if (typeof key === 'number') text += `[${key}]`;
		else text += text === '' ? printable(String(key), 40) : `.${printable(String(key), 40)}`;
	}
	return text;
}

function valueAt(input: unknown, path: readonly PathKey[]): unknown {
	let current: unknown = input;
	for (const key of path) {
		if (typeof current !== 'object' || current === null) return undefined;
		current = (current as Record<PropertyKey, unknown>)[key as string];
	}
	return current;
}

function describeValue(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'string') {
		if (value === '') return 'empty';
		return `"${printable(value, 60)}"`;
	}
	return String(value);
}

function capitalize(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}
