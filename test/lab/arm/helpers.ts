import {request} from 'node:https';

export interface RawResponse {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	text: string;
	json: unknown;
}

/**
 * A plain HTTPS request to the lab (trusting the lab CA for this request only), for checking wire details the
 * SDKs hide: exact bodies, status codes and headers.
 */
export function rawRequest(
	url: string,
	options: {method?: string; headers?: Record<string, string>; body?: string; ca: string; host?: string},
): Promise<RawResponse> {
	const target = new URL(url);
	return new Promise((resolve, reject) => {
		const req = request(
			{
				hostname: target.hostname,
				port: target.port,
				path: `${target.pathname}${target.search}`,
				method: options.method ?? 'GET',
				ca: options.ca,
				servername: options.host ?? (target.hostname === '127.0.0.1' ? 'localhost' : target.hostname),
				headers: {...(options.host ? {host: `${options.host}:${target.port}`} : {}), ...options.headers},
				agent: false,
			},
			res => {
				const chunks: Buffer[] = [];
				res.on('data', chunk => chunks.push(chunk as Buffer));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let json: unknown;
					try {
						json = JSON.parse(text);
					} catch {
						json = undefined;
					}
					resolve({status: res.statusCode ?? 0, headers: res.headers, text, json});
				});
			},
		);
		req.on('error', reject);
		if (options.body) req.write(options.body);
		req.end();
	});
}
