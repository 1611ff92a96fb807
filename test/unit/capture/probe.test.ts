import { describe, expect, it } from 'vitest';
import { formatProbe, parseFfmpegFormats, parseV4l2Ctl } from '../../../src/capture/probe.js';
import { chooseFormat } from '../../../src/capture/sources/v4l2.js';
import { isEdgecamError } from '../../../src/errors.js';

// What a Logitech C270 answers (v4l-utils 1.22); there is no camera on the test machines.
const V4L2_CTL = `ioctl: VIDIOC_ENUM_FMT
	Type: Video Capture

	[0]: 'YUYV' (YUYV 4:2:2)
		Size: Discrete 640x480
			Interval: Discrete 0.033s (30.000 fps)
			Interval: Discrete 0.067s (15.000 fps)
		Size: Discrete 1280x960
			Interval: Discrete 0.133s (7.500 fps)
	[1]: 'MJPG' (Motion-JPEG, compressed)
		Size: Discrete 640x480
			Interval: Discrete 0.033s (30.000 fps)
		Size: Discrete 1280x720
			Interval: Discrete 0.033s (30.000 fps)
`;

// ffmpeg 5.1's -list_formats for a USB camera and for a Pi CSI camera (stepwise sizes).
const FFMPEG = `[video4linux2,v4l2 @ 0x55d5c5a4c8c0] Raw       :     yuyv422 :           YUYV 4:2:2 : 640x480 1280x960
[video4linux2,v4l2 @ 0x55d5c5a4c8c0] Compressed:       mjpeg :          Motion-JPEG : 640x480 1280x720
/dev/video0: Immediate exit requested`;
const FFMPEG_STEPWISE = `[video4linux2,v4l2 @ 0x1] Raw       :     yuv420p :     Planar YUV 4:2:0 : {32-2592, 2}x{32-1944, 2}
[video4linux2,v4l2 @ 0x1] Compressed:       mjpeg :            JFIF JPEG : {32-2592, 2}x{32-1944, 2}`;

const camera = { id: 'desk', width: 1280, height: 720, fps: 30 };

describe('V4L2 probing', () => {
  it('reads v4l2-ctl: formats, sizes and frame rates', () => {
    const formats = parseV4l2Ctl(V4L2_CTL);
    expect(formats.map((f) => [f.format, f.compressed])).toEqual([
      ['yuyv', false],
      ['mjpeg', true],
    ]);
    expect(formats[0]!.sizes).toEqual([
      { width: 640, height: 480, fps: [30, 15] },
      { width: 1280, height: 960, fps: [7.5] },
    ]);
  });

  it("reads ffmpeg's listing, stepwise ranges included", () => {
    const formats = parseFfmpegFormats(FFMPEG);
    expect(formats.map((f) => [f.format, f.sizes.map((s) => `${s.width}x${s.height}`)])).toEqual([
      ['yuyv', ['640x480', '1280x960']],
      ['mjpeg', ['640x480', '1280x720']],
    ]);
    expect(parseFfmpegFormats(FFMPEG_STEPWISE)[1]).toMatchObject({
      format: 'mjpeg',
      range: '32x32 to 2592x1944',
    });
  });

  it('prints a listing with a config line to copy', () => {
    const text = formatProbe({ device: '/dev/video0', via: 'v4l2-ctl', formats: parseV4l2Ctl(V4L2_CTL) });
    expect(text).toContain('mjpeg (Motion-JPEG, compressed): 640x480 @ 30 fps; 1280x720 @ 30 fps');
    expect(text).toContain(
      'config: source: { kind: v4l2, device: /dev/video0, format: mjpeg }, width: 640, height: 480, fps: 30',
    );
  });

  it('asks for MJPEG when the camera offers the size in it, else YUYV', () => {
    const probed = { device: '/dev/video0', via: 'v4l2-ctl' as const, formats: parseV4l2Ctl(V4L2_CTL) };
    const auto = { kind: 'v4l2' as const, device: '/dev/video0', format: 'auto' as const };
    expect(chooseFormat(camera, auto, probed)).toBe('mjpeg');
    expect(chooseFormat({ ...camera, width: 1280, height: 960 }, auto, probed)).toBe('yuyv');
    const stepwise = {
      device: '/dev/video0',
      via: 'ffmpeg' as const,
      formats: parseFfmpegFormats(FFMPEG_STEPWISE),
    };
    expect(chooseFormat({ ...camera, width: 1920, height: 1080 }, auto, stepwise)).toBe('mjpeg');
  });

  it('rejects a size the camera does not offer, naming the camera and the sizes it does', () => {
    const probed = { device: '/dev/video0', via: 'v4l2-ctl' as const, formats: parseV4l2Ctl(V4L2_CTL) };
    const source = { kind: 'v4l2' as const, device: '/dev/video0', format: 'mjpeg' as const };
    let error: unknown;
    try {
      chooseFormat({ ...camera, width: 1920, height: 1080 }, source, probed);
    } catch (err) {
      error = err;
    }
    expect(isEdgecamError(error, 'EDGECAM_ERR_CAMERA_SIZE')).toBe(true);
    expect((error as Error).message).toBe(
      'camera "desk": /dev/video0 does not offer 1920x1080 in mjpeg (it offers 640x480, 1280x720): set cameras[].width and height to one of those (edgecam capture probe lists them)',
    );
  });
});
