/** A GraphQL POST over real HTTP, with an optional API key; the status, headers and parsed body. */
export interface GraphQLHttpResult<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: { data?: T | null; errors?: { message: string; extensions?: { code?: string; [k: string]: unknown } }[] };
}

export async function postGraphQL<T = Record<string, unknown>>(
  baseUrl: string,
  query: string,
  options: { variables?: Record<string, unknown>; key?: string; headers?: Record<string, string> } = {},
): Promise<GraphQLHttpResult<T>> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables: options.variables }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as GraphQLHttpResult<T>['body'] };
}

/** The error codes of a result, in order (empty when it succeeded). */
export function errorCodes(result: GraphQLHttpResult<unknown>): string[] {
  return (result.body.errors ?? []).map((e) => String(e.extensions?.code));
}
