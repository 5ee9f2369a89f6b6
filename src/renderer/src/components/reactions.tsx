/**
 * Reactions under a comment: one toggle per emoji someone gave (pressed when it is yours), and
 * a menu to add one. The doc stores reactions by name; the emoji are drawn here.
 */
import { type ReactionName, type ReactionSummary, REACTIONS, docOfComment, toggleReaction } from '../../../core/workspace';
import { useConversationDoc } from '../session/use-conversation';
import type { WorkspaceSession } from '../session/workspace-session';
import { MenuButton } from './menu-button';

const GLYPHS: Record<ReactionName, { glyph: string; name: string }> = {
  '+1': { glyph: '👍', name: 'thumbs up' },
  '-1': { glyph: '👎', name: 'thumbs down' },
  laugh: { glyph: '😄', name: 'laugh' },
  hooray: { glyph: '🎉', name: 'hooray' },
  confused: { glyph: '😕', name: 'confused' },
  heart: { glyph: '❤️', name: 'heart' },
  rocket: { glyph: '🚀', name: 'rocket' },
  eyes: { glyph: '👀', name: 'eyes' },
};

export function Reactions({ session, commentId, summary, canReact, onError }: {
  session: WorkspaceSession;
  commentId: string;
  summary: ReactionSummary[];
  canReact: boolean;
  onError: (err: unknown) => void;
}) {
  const me = session.connection.memberId;
  const conversation = useConversationDoc();
  const toggle = (emoji: ReactionName) => {
    try {
      toggleReaction(docOfComment(session.doc, conversation, commentId), { commentId, emoji }, session.commandContext());
    } catch (err) {
      onError(err);
    }
  };
  if (summary.length === 0 && !canReact) return null;
  return (
    <div className="reactions" role="group" aria-label="Reactions">
      {summary.map((r) => {
        const mine = r.members.some((m) => m.id === me);
        const who = r.members.map((m) => (m.id === me ? 'you' : m.name)).join(', ');
        const { glyph, name } = GLYPHS[r.emoji];
        return (
          <button
            key={r.emoji}
            type="button"
            className={mine ? 'reaction mine' : 'reaction'}
            aria-pressed={mine}
            disabled={!canReact}
            aria-label={`${name} ${r.members.length}: ${who}`}
            title={`${name}: ${who}`}
            onClick={() => toggle(r.emoji)}
          >
            <span aria-hidden="true">{glyph}</span> {r.members.length}
          </button>
        );
      })}
      {canReact && (
        <MenuButton
          name="Add a reaction"
          label={<><span aria-hidden="true">☺</span> +</>}
          className="reaction add"
          items={REACTIONS.map((emoji) => ({ id: emoji, name: GLYPHS[emoji].name, label: GLYPHS[emoji].glyph, onSelect: () => toggle(emoji) }))}
        />
      )}
    </div>
  );
}
