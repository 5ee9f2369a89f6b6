/**
 * The first stop of Tab on a workspace page: past the sidebar to the page itself. Focus moves
 * in the click handler, not through the href, because the hash is the app's route.
 */
export function SkipLink({ target }: { target: string }) {
  return (
    <a
      href={`#${target}`}
      className="skip-link"
      onClick={(e) => {
        e.preventDefault();
        document.getElementById(target)?.focus();
      }}
    >
      Skip to content
    </a>
  );
}
