/**
 * One output, drawn as its plan says (output-plan.ts): images as `data:` images, HTML through
 * the sanitiser, streams and tracebacks with their ANSI colours, JSON and text as text. Large
 * images and HTML wait for a click. An output the notebook's light form left out is fetched
 * first (lazy-output.tsx), then drawn the same way.
 */
import { useEffect, useRef, useState } from 'react';
import type { NotebookOutput } from '../../../core/notebook';
import { renderAnsi, renderNotebookMarkdown, renderOutputHtml, typeset } from './notebook-html';
import { LazyOutput } from './lazy-output';
import { type FullOutput, planOutput } from './output-plan';

const mib = (chars: number) => `${(chars / 1024 / 1024).toFixed(1)} MB`;

export function NotebookOutputView({ output }: { output: NotebookOutput }) {
  if (output.kind === 'deferred') return <LazyOutput key={output.fingerprint} stub={output} render={(full) => <FullOutputView output={full} />} />;
  return <FullOutputView output={output} />;
}

function FullOutputView({ output }: { output: FullOutput }) {
  const plan = planOutput(output);
  const [shown, setShown] = useState(false);
  switch (plan.kind) {
    case 'stream':
      return <><Ansi className={`nb-stream ${plan.name === 'stderr' ? 'stderr' : ''}`} text={plan.text} />{plan.truncated && <Cut />}</>;
    case 'error':
      return (
        <div className="nb-error" role="group" aria-label={`Error: ${plan.ename}`}>
          <Ansi className="nb-traceback" text={plan.traceback || `${plan.ename}: ${plan.evalue}`} />
          {plan.truncated && <Cut />}
        </div>
      );
    case 'image':
      if (plan.deferred && !shown) {
        return <button type="button" className="secondary small-button" onClick={() => setShown(true)}>Show image ({plan.mime}, {mib(plan.bytes)})</button>;
      }
      return <img className="nb-image" src={plan.src} alt={`${plan.mime} output`} loading="lazy" decoding="async" />;
    case 'html':
      if (plan.deferred && !shown) return <button type="button" className="secondary small-button" onClick={() => setShown(true)}>Show HTML output ({mib(plan.html.length)})</button>;
      return <Html html={plan.html} />;
    case 'markdown':
      return <Fragment render={() => renderNotebookMarkdown(plan.source)} deps={plan.source} className="markdown" />;
    case 'latex':
      return <Fragment render={() => latex(plan.source)} deps={plan.source} className="nb-latex" />;
    case 'json':
      return <><pre className="nb-json">{plan.text}</pre>{plan.truncated && <Cut />}</>;
    case 'text':
      return (
        <>
          <pre className="nb-text">{plan.text}</pre>
          {plan.truncated && <Cut />}
          {plan.note && <p className="muted small">{plan.note}</p>}
        </>
      );
  }
}

function Cut() {
  return <p className="muted small">Output cut here: the rest is in the notebook file.</p>;
}

function Ansi({ text, className }: { text: string; className: string }) {
  return <Fragment render={() => renderAnsi(text)} deps={text} className={className} tag="pre" />;
}

function Html({ html }: { html: string }) {
  return <Fragment render={() => renderOutputHtml(html)} deps={html} className="nb-html markdown" />;
}

/** `$$…$$` or a bare formula (IPython's Math/Latex outputs). */
function latex(source: string): DocumentFragment {
  const f = document.createDocumentFragment();
  const tex = source.trim().replace(/^\$\$?|\$\$?$/g, '');
  f.append(typeset({ tex, display: true }));
  return f;
}

/** Appends nodes made by `render` (already sanitised), never a string. */
function Fragment({ render, deps, className, tag = 'div' }: { render: () => DocumentFragment; deps: string; className: string; tag?: 'div' | 'pre' }) {
  const ref = useRef<HTMLDivElement & HTMLPreElement>(null);
  useEffect(() => {
    ref.current?.replaceChildren(render());
    // `render` is a new closure each time; what it draws depends on `deps` only.
  }, [deps]);
  const Tag = tag;
  return <Tag ref={ref} className={className} />;
}
