import { useEffect, useRef } from 'react';
import { Icon } from '../shell/Icon.js';

/** A photo full size, in a modal dialog (Escape or the close button leaves it). */
export function ImageViewer({
  url,
  name,
  onClose,
}: {
  url: string;
  name: string;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog ref={dialog} className="image-viewer" aria-label={name} onClose={onClose}>
      <button
        type="button"
        className="icon-button image-viewer__close"
        aria-label="Close photo"
        onClick={onClose}
      >
        <Icon name="close" />
      </button>
      <img src={url} alt={name} />
      <a className="image-viewer__save" href={url} download={name}>
        <Icon name="download" size={16} /> Save {name}
      </a>
    </dialog>
  );
}
