/**
 * The browsable schema reference, generated from the descriptions in `schema/api.graphql` so it
 * can never say something the schema does not: `docs/schema/README.md` (reads on any Git host or
 * editor) and `docs/schema/index.html` (one self-contained page, no network, open it from disk).
 *
 *   npm run docs          writes both
 *   npm run docs:check    fails when they differ from what the current schema generates
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { GraphQLArgument, GraphQLField, GraphQLInputField, GraphQLNamedType, GraphQLSchema, GraphQLType } from 'graphql';

// One graphql instance for building and inspecting the schema (see schema-check.ts).
const { buildSchema, getNamedType, isEnumType, isInputObjectType, isInterfaceType, isObjectType, isScalarType, isUnionType, print, astFromValue, isSpecifiedScalarType } =
  createRequire(import.meta.url)('graphql') as typeof import('graphql');

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DOCS = { markdown: join(ROOT, 'docs/schema/README.md'), html: join(ROOT, 'docs/schema/index.html') };
const API = join(ROOT, 'schema/api.graphql');

interface Row {
  name: string;
  /** The type as written in SDL, e.g. `[CartLine!]!`, and the named type it links to. */
  type?: { text: string; target: string };
  description: string;
  deprecated?: string;
  args?: Row[];
}

interface Entry {
  name: string;
  kind: 'object' | 'interface' | 'union' | 'enum' | 'input' | 'scalar' | 'operation';
  description: string;
  /** Interfaces an object implements, or the members of a union. */
  related?: string[];
  rows: Row[];
}

interface Section {
  title: string;
  entries: Entry[];
}

const typeRef = (type: GraphQLType): Row['type'] => ({ text: String(type), target: getNamedType(type).name });
const defaultText = (arg: GraphQLArgument | GraphQLInputField): string => {
  if (arg.defaultValue === undefined) return '';
  const ast = astFromValue(arg.defaultValue, arg.type);
  return ast ? ` = ${print(ast)}` : '';
};
const argRow = (arg: GraphQLArgument | GraphQLInputField): Row => ({
  name: `${arg.name}${defaultText(arg)}`,
  type: typeRef(arg.type),
  description: arg.description ?? '',
  ...(arg.deprecationReason ? { deprecated: arg.deprecationReason } : {}),
});
const fieldRow = (field: GraphQLField<unknown, unknown>): Row => ({
  name: field.name,
  type: typeRef(field.type),
  description: field.description ?? '',
  ...(field.deprecationReason ? { deprecated: field.deprecationReason } : {}),
  ...(field.args.length ? { args: field.args.map(argRow) } : {}),
});

function entryOf(type: GraphQLNamedType): Entry | undefined {
  const description = type.description ?? '';
  if (isObjectType(type)) return { name: type.name, kind: 'object', description, related: type.getInterfaces().map((i) => i.name), rows: Object.values(type.getFields()).map(fieldRow) };
  if (isInterfaceType(type)) return { name: type.name, kind: 'interface', description, rows: Object.values(type.getFields()).map(fieldRow) };
  if (isUnionType(type)) return { name: type.name, kind: 'union', description, related: type.getTypes().map((t) => t.name), rows: [] };
  if (isEnumType(type)) return { name: type.name, kind: 'enum', description, rows: type.getValues().map((v) => ({ name: v.name, description: v.description ?? '', ...(v.deprecationReason ? { deprecated: v.deprecationReason } : {}) })) };
  if (isInputObjectType(type)) return { name: type.name, kind: 'input', description, rows: Object.values(type.getFields()).map(argRow) };
  if (isScalarType(type)) return { name: type.name, kind: 'scalar', description, rows: [] };
  return undefined;
}

/** The reference as sections: the three root types first, then every named type by kind. */
export function referenceOf(schema: GraphQLSchema): Section[] {
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((t) => t !== null && t !== undefined);
  const rootNames = new Set(roots.map((t) => t.name));
  const named = Object.values(schema.getTypeMap())
    .filter((t) => !t.name.startsWith('__') && !rootNames.has(t.name) && !isSpecifiedScalarType(t))
    .sort((a, b) => a.name.localeCompare(b.name));
  const byKind = (kind: Entry['kind']) => named.map(entryOf).filter((e): e is Entry => e?.kind === kind);
  return [
    ...roots.map((root) => ({ title: root.name, entries: Object.values(root.getFields()).map((f) => ({ name: f.name, kind: 'operation' as const, description: f.description ?? '', rows: [fieldRow(f)] })) })),
    { title: 'Objects', entries: byKind('object') },
    { title: 'Interfaces', entries: byKind('interface') },
    { title: 'Unions', entries: byKind('union') },
    { title: 'Enums', entries: byKind('enum') },
    { title: 'Inputs', entries: byKind('input') },
    { title: 'Scalars', entries: byKind('scalar') },
  ].filter((s) => s.entries.length > 0);
}

const anchor = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
const HEADER = 'Generated by `npm run docs` from the descriptions in `schema/api.graphql`. Do not edit.';

// ---- Markdown ---------------------------------------------------------------------------------

const mdCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n+/g, ' ');
const mdType = (type: NonNullable<Row['type']>, types: Set<string>) => (types.has(type.target) ? `[\`${type.text}\`](#${anchor(type.target)})` : `\`${type.text}\``);
const mdDescription = (row: Row) => mdCell(`${row.description}${row.deprecated ? ` **Deprecated:** ${row.deprecated}` : ''}`);

export function renderMarkdown(sections: Section[]): string {
  const types = new Set(sections.filter((s) => !['Query', 'Mutation', 'Subscription'].includes(s.title)).flatMap((s) => s.entries.map((e) => e.name)));
  const out: string[] = ['# API reference', '', `<!-- ${HEADER} -->`, '', 'The public GraphQL contract of the cart platform. Also as one offline page: [index.html](index.html).', ''];
  out.push(sections.map((s) => `[${s.title}](#${anchor(s.title)})`).join(' · '), '');
  for (const section of sections) {
    out.push(`## ${section.title}`, '');
    const isRoot = section.entries[0]?.kind === 'operation';
    if (isRoot) {
      for (const entry of section.entries) {
        const row = entry.rows[0]!;
        const args = row.args?.map((a) => `${a.name.split(' = ')[0]}: ${a.type!.text}${a.name.includes(' = ') ? ` = ${a.name.split(' = ')[1]}` : ''}`).join(', ');
        out.push(`### ${section.title}.${entry.name}`, '', `\`${entry.name}${args ? `(${args})` : ''}: ${row.type!.text}\` → ${mdType(row.type!, types)}`, '', mdDescription(row), '');
        if (row.args?.length) {
          out.push('| argument | type | description |', '| --- | --- | --- |');
          for (const arg of row.args) out.push(`| \`${mdCell(arg.name)}\` | ${mdType(arg.type!, types)} | ${mdDescription(arg)} |`);
          out.push('');
        }
      }
      continue;
    }
    for (const entry of section.entries) {
      out.push(`### ${entry.name}`, '', mdCell(entry.description), '');
      if (entry.related?.length) out.push(`${entry.kind === 'union' ? 'One of' : 'Implements'}: ${entry.related.map((r) => `[${r}](#${anchor(r)})`).join(', ')}`, '');
      if (!entry.rows.length) continue;
      const hasType = entry.rows.some((r) => r.type);
      out.push(hasType ? '| field | type | description |' : '| value | description |', hasType ? '| --- | --- | --- |' : '| --- | --- |');
      for (const row of entry.rows) {
        const args = row.args?.length ? `(${row.args.map((a) => a.name.split(' = ')[0]).join(', ')})` : '';
        const argDocs = row.args?.length ? ` Arguments: ${row.args.map((a) => `\`${mdCell(a.name)}\` ${mdType(a.type!, types)}${a.description ? ` ${mdCell(a.description)}` : ''}`).join('; ')}` : '';
        out.push(hasType ? `| \`${row.name}${args}\` | ${mdType(row.type!, types)} | ${mdDescription(row)}${argDocs} |` : `| \`${row.name}\` | ${mdDescription(row)} |`);
      }
      out.push('');
    }
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

// ---- HTML -------------------------------------------------------------------------------------

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const htmlType = (type: NonNullable<Row['type']>, types: Set<string>) => (types.has(type.target) ? `<a href="#${anchor(type.target)}"><code>${esc(type.text)}</code></a>` : `<code>${esc(type.text)}</code>`);
/** Escaped text with the descriptions' `code` spans as <code>. */
const prose = (text: string) => esc(text).replace(/`([^`]+)`/g, '<code>$1</code>');
const htmlDescription = (row: Row) => `${prose(row.description)}${row.deprecated ? ` <strong class="deprecated">Deprecated: ${prose(row.deprecated)}</strong>` : ''}`;

export function renderHtml(sections: Section[]): string {
  const types = new Set(sections.filter((s) => !['Query', 'Mutation', 'Subscription'].includes(s.title)).flatMap((s) => s.entries.map((e) => e.name)));
  const nav = sections.map((s) => `<li><a href="#${anchor(s.title)}">${esc(s.title)}</a><ul>${s.entries.map((e) => `<li><a href="#${s.entries[0]?.kind === 'operation' ? anchor(`${s.title}-${e.name}`) : anchor(e.name)}">${esc(e.name)}</a></li>`).join('')}</ul></li>`).join('');
  const body: string[] = [];
  for (const section of sections) {
    body.push(`<h2 id="${anchor(section.title)}">${esc(section.title)}</h2>`);
    for (const entry of section.entries) {
      const isRoot = entry.kind === 'operation';
      const id = isRoot ? anchor(`${section.title}-${entry.name}`) : anchor(entry.name);
      body.push(`<section id="${id}"><h3>${isRoot ? `${esc(section.title)}.` : `<span class="kind">${entry.kind}</span> `}${esc(entry.name)}</h3>`);
      const rows = isRoot ? (entry.rows[0]?.args ?? []) : entry.rows;
      if (isRoot) body.push(`<p>→ ${htmlType(entry.rows[0]!.type!, types)}</p><p>${htmlDescription(entry.rows[0]!)}</p>`);
      else if (entry.description) body.push(`<p>${prose(entry.description)}</p>`);
      if (entry.related?.length) body.push(`<p>${entry.kind === 'union' ? 'One of' : 'Implements'}: ${entry.related.map((r) => `<a href="#${anchor(r)}">${esc(r)}</a>`).join(', ')}</p>`);
      if (rows.length) {
        const hasType = rows.some((r) => r.type);
        body.push(`<table><tr><th>${isRoot ? 'argument' : hasType ? 'field' : 'value'}</th>${hasType ? '<th>type</th>' : ''}<th>description</th></tr>`);
        for (const row of rows) {
          const args = row.args?.length ? `<div class="args">${row.args.map((a) => `<code>${esc(a.name)}</code> ${htmlType(a.type!, types)} ${prose(a.description)}`).join('<br>')}</div>` : '';
          body.push(`<tr><td><code>${esc(row.name)}</code></td>${hasType ? `<td>${htmlType(row.type!, types)}</td>` : ''}<td>${htmlDescription(row)}${args}</td></tr>`);
        }
        body.push('</table>');
      }
      body.push('</section>');
    }
  }
  return `<!doctype html>
<!-- ${HEADER} -->
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cart platform API reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;display:flex;color:#1d2330}
nav{width:260px;height:100vh;overflow:auto;position:sticky;top:0;background:#f4f5f8;padding:1rem;box-sizing:border-box;font-size:13px}
nav ul{list-style:none;padding-left:.8rem;margin:.2rem 0}
main{flex:1;padding:1rem 2rem;max-width:960px}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
td,th{border-top:1px solid #dde1ea;padding:.35rem .5rem;text-align:left;vertical-align:top}
code{font:13px ui-monospace,monospace;background:#f0f2f6;padding:0 .2rem;border-radius:3px}
.kind{color:#6b7385;font-weight:normal;font-size:13px}.deprecated{color:#a33}.args{color:#555;font-size:13px;margin-top:.3rem}
section{scroll-margin-top:1rem}a{color:#2456c7;text-decoration:none}
</style></head>
<body><nav><strong>API reference</strong><ul>${nav}</ul></nav>
<main><h1>Cart platform API reference</h1><p>The public GraphQL contract, from <code>schema/api.graphql</code>.</p>
${body.join('\n')}
</main></body></html>
`;
}

/** Both documents for an SDL text. */
export function generateDocs(sdl: string): { markdown: string; html: string } {
  const sections = referenceOf(buildSchema(sdl));
  return { markdown: renderMarkdown(sections), html: renderHtml(sections) };
}

function main(): void {
  const check = process.argv.includes('--check');
  const docs = generateDocs(readFileSync(API, 'utf8'));
  const files = [
    [DOCS.markdown, docs.markdown],
    [DOCS.html, docs.html],
  ] as const;
  if (check) {
    const stale = files.filter(([path, text]) => !existsSync(path) || readFileSync(path, 'utf8') !== text).map(([path]) => relative(ROOT, path));
    if (stale.length) {
      console.error(`docs: ${stale.join(' and ')} ${stale.length > 1 ? 'are' : 'is'} out of date with schema/api.graphql. Run \`npm run docs\` and commit the result.`);
      process.exit(1);
    }
    console.log('docs: the schema reference is up to date');
    return;
  }
  for (const [path, text] of files) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  console.log(`docs: wrote ${files.map(([p]) => relative(ROOT, p)).join(' and ')}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
