import { useState } from 'react';
import './media.css';
import { thumbHashToDataURL } from 'thumbhash';
import type { AttachmentPointer } from '../messenger/types.js';
import { Icon } from '../shell/Icon.js';
import { formatDuration, formatSize } from './format-size.js';
import { ImageViewer } from './ImageViewer.js';
import { AUTO_DOWNLOAD_MAX_BYTES, autoDownloadImages } from './media-settings.js';
import { TransferProgress } from './TransferProgress.js';
import { useAttachment, type AttachmentState } from './use-attachment.js';
import { VoicePlayer } from './VoicePlayer.js';

/** One attachment inside a message bubble, by kind. */
export function AttachmentView({ pointer }: { pointer: AttachmentPointer }) {
  const automatic =
    pointer.kind === 'voice' ||
    (pointer.kind === 'image' && autoDownloadImages() && pointer.size <= AUTO_DOWNLOAD_MAX_BYTES);
  const state = useAttachment(pointer, automatic);
  switch (pointer.kind) {
    case 'image':
      return <ImageAttachment pointer={pointer} state={state} />;
    case 'video':
      return <VideoAttachment pointer={pointer} state={state} />;
    case 'voice':
      return <VoicePlayer pointer={pointer} state={state} />;
    default:
      return <FileAttachment pointer={pointer} state={state} />;
  }
}

/** The sender's thumbnail, else the ThumbHash placeholder: shown before any download. */
function previewOf(pointer: AttachmentPointer): string | undefined {
  if (pointer.thumbnail) return pointer.thumbnail;
  if (!pointer.placeholder) return undefined;
  try {
    return thumbHashToDataURL(Uint8Array.from(atob(pointer.placeholder), (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}

function Pending({
  pointer,
  state,
  what,
}: {
  pointer: AttachmentPointer;
  state: AttachmentState;
  what: string;
}) {
  if (state.transfer?.state === 'active') {
    return <TransferProgress transfer={state.transfer} label={`Downloading ${what}`} />;
  }
  return (
    <>
      {state.error && (
        <p role="alert" className="attachment__error">
          {state.error}
        </p>
      )}
      <button type="button" className="attachment__download" onClick={state.download}>
        <Icon name="download" size={16} /> Download {what} ({formatSize(pointer.size)})
      </button>
    </>
  );
}

function ImageAttachment({
  pointer,
  state,
}: {
  pointer: AttachmentPointer;
  state: AttachmentState;
}) {
  const [viewing, setViewing] = useState(false);
  const preview = previewOf(pointer);
  const ratio =
    pointer.width && pointer.height ? `${pointer.width} / ${pointer.height}` : undefined;
  return (
    <div className="attachment attachment--image" data-testid="image-attachment">
      {state.url ? (
        <button
          type="button"
          className="attachment__open"
          aria-label="Open photo"
          onClick={() => setViewing(true)}
        >
          <img
            src={state.url}
            alt={pointer.fileName ?? 'Photo'}
            style={{ aspectRatio: ratio }}
            data-testid="full-image"
          />
        </button>
      ) : (
        <>
          {preview && (
            <img
              className="attachment__preview"
              src={preview}
              alt={`Preview of ${pointer.fileName ?? 'photo'}`}
              style={{ aspectRatio: ratio }}
              data-testid="thumbnail"
            />
          )}
          <Pending pointer={pointer} state={state} what="photo" />
        </>
      )}
      {viewing && state.url && (
        <ImageViewer
          url={state.url}
          name={pointer.fileName ?? 'Photo'}
          onClose={() => setViewing(false)}
        />
      )}
    </div>
  );
}

function VideoAttachment({
  pointer,
  state,
}: {
  pointer: AttachmentPointer;
  state: AttachmentState;
}) {
  const preview = previewOf(pointer);
  return (
    <div className="attachment attachment--video">
      {state.url ? (
        <video src={state.url} controls aria-label={pointer.fileName ?? 'Video'} />
      ) : (
        <>
          {preview && <img className="attachment__preview" src={preview} alt="Video preview" />}
          {pointer.durationMs !== undefined && <span>{formatDuration(pointer.durationMs)}</span>}
          <Pending pointer={pointer} state={state} what="video" />
        </>
      )}
    </div>
  );
}

function FileAttachment({
  pointer,
  state,
}: {
  pointer: AttachmentPointer;
  state: AttachmentState;
}) {
  const name = pointer.fileName ?? 'File';
  return (
    <div className="attachment attachment--file" data-testid="file-attachment">
      <Icon name="file" size={32} />
      <div className="attachment__file-info">
        <span className="attachment__name">{name}</span>
        <span className="attachment__details">
          {formatSize(pointer.size)} · {pointer.contentType}
        </span>
        {state.url ? (
          <a className="attachment__save" href={state.url} download={name}>
            <Icon name="download" size={16} /> Save {name}
          </a>
        ) : (
          <Pending pointer={pointer} state={state} what={name} />
        )}
      </div>
    </div>
  );
}
