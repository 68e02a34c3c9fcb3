import { Component, type ReactNode } from 'react';

/**
 * A screen whose code could not be loaded (offline before the app was cached, or a new version
 * replaced the old files) says so in words instead of going blank.
 */
export class ChunkErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <div className="empty-detail" role="alert">
        <h2>This part of Parley couldn't be loaded</h2>
        <p>Check your connection, then reload the page.</p>
        <button type="button" className="button" onClick={() => location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}
