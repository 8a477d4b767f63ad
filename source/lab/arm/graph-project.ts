import type {ArmJson} from '../topology/index.js';

/**
 * The lab Resource Graph's `project` clause: plain columns (`id, name`) and the few KQL expressions vmux's queries
 * use to trim what comes back — `alias = properties.a.b`, `pack('key', expr, …)` and
 * `iff(column =~ 'value', expr, expr)`. Anything else is a parse error, answered as the service answers a query it
 * cannot parse, so a client change cannot pass unnoticed.
 */

export interface ProjectedColumn {
	name: string;
	evaluate(row: ArmJson): unknown;
}

type Expression = (row: ArmJson) => unknown;

class Parser {
	private at = 0;

	constructor(private readonly text: string) {}

	columns(): ProjectedColumn[] {
		const columns: ProjectedColumn[] = [];
		do {
			this.space();
			const start = this.at;
			const first = this.identifier();
			this.space();
			if (this.peek('=') && !this.peek('==') && !this.peek('=~')) {
				this.at += 1;
				columns.push({name: first, evaluate: this.expression()});
			} else {
				this.at = start;
				const path = this.path();
				columns.push({name: path.name, evaluate: path.evaluate});
			}
			this.space();
		} while (this.take(','));
		if (this.at !== this.text.length) throw this.error(`unexpected '${this.text.slice(this.at, this.at + 20)}'`);
		return columns;
	}

	private expression(): Expression {
		this.space();
		const start = this.at;
		const word = this.identifier();
		this.space();
		if (word.toLowerCase() === 'iff' && this.take('(')) {
			const test = this.condition();
			this.expect(',');
			const then = this.expression();
			this.expect(',');
			const otherwise = this.expression();
			this.expect(')');
			return row => (test(row) ? then(row) : otherwise(row));
		}
		if ((word.toLowerCase() === 'pack' || word.toLowerCase() === 'bag_pack') && this.take('(')) {
			const entries: Array<[string, Expression]> = [];
			do {
				this.space();
				const key = this.string();
				this.expect(',');
				entries.push([key, this.expression()]);
				this.space();
			} while (this.take(','));
			this.expect(')');
			return row => Object.fromEntries(entries.map(([key, value]) => [key, value(row) ?? null]));
		}
		this.at = start;
		return this.path().evaluate;
	}

	private condition(): (row: ArmJson) => boolean {
		const left = this.path().evaluate;
		this.space();
		const caseless = this.take('=~');
		if (!caseless && !this.take('==')) throw this.error("expected '=~' or '=='");
		this.space();
		const right = this.string();
		return row => {
			const value = left(row);
			return typeof value === 'string' && (caseless ? value.toLowerCase() === right.toLowerCase() : value === right);
		};
	}

	private path(): {name: string; evaluate: Expression} {
		const parts = [this.identifier()];
		while (this.take('.')) parts.push(this.identifier());
		return {
			name: parts.at(-1)!,
			evaluate: row => parts.reduce<unknown>((value, part) => (value && typeof value === 'object' && !Array.isArray(value) ? (value as ArmJson)[part] : undefined), row),
		};
	}

	private identifier(): string {
		const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.at));
		if (!match) throw this.error('expected a column name');
		this.at += match[0].length;
		return match[0];
	}

	private string(): string {
		const match = /^'([^']*)'/.exec(this.text.slice(this.at));
		if (!match) throw this.error('expected a quoted string');
		this.at += match[0].length;
		return match[1]!;
	}

	private space(): void {
		while (this.text[this.at] === ' ') this.at += 1;
	}

	private peek(token: string): boolean {
		return this.text.startsWith(token, this.at);
	}

	private take(token: string): boolean {
		this.space();
		if (!this.peek(token)) return false;
		this.at += token.length;
		return true;
	}

	private expect(token: string): void {
		if (!this.take(token)) throw this.error(`expected '${token}'`);
	}

	private error(message: string): Error {
		return new Error(`${message} at position ${this.at} of the project clause`);
	}
}

export function parseProjection(text: string): ProjectedColumn[] | {error: string} {
	try {
		return new Parser(text.trim()).columns();
	} catch (error) {
		return {error: (error as Error).message};
	}
}
