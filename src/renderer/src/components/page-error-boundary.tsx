import { Component, type ReactNode } from 'react';

/**
 * Keeps one failing page (a lazy chunk that could not load, a view that threw) from blanking the
 * whole app: the sidebar stays, the page says what happened and offers a reload.
 */
export class PageErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, { error: Error | null; key: string }> {
  override state: { error: Error | null; key: string } = { error: null, key: this.props.resetKey };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  static getDerivedStateFromProps(props: { resetKey: string }, state: { error: Error | null; key: string }) {
    // Navigating elsewhere gives the next page a fresh try.
    return props.resetKey !== state.key ? { error: null, key: props.resetKey } : null;
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div role="alert" className="card">
        <h2>This page could not be shown</h2>
        <p className="muted">{this.state.error.message}</p>
        <p>Your work is saved on this device. Reloading usually fixes it.</p>
        <button type="button" onClick={() => location.reload()}>Reload</button>
      </div>
    );
  }
}
