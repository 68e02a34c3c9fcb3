import { useEffect, useState } from 'react';

/** The machine's microphones, cameras and speakers, kept current as devices come and go. */
export function useMediaDevices(active: boolean): MediaDeviceInfo[] {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    if (!active || !navigator.mediaDevices?.enumerateDevices) return;
    let live = true;
    const read = () =>
      void navigator.mediaDevices.enumerateDevices().then((list) => {
        if (live) setDevices(list.filter((device) => device.deviceId !== ''));
      });
    read();
    navigator.mediaDevices.addEventListener('devicechange', read);
    return () => {
      live = false;
      navigator.mediaDevices.removeEventListener('devicechange', read);
    };
  }, [active]);
  return devices;
}
