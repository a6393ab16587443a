"""Deterministic result videos: solid-colour H.264 in MP4, built in pure Python and cached.

The video is one solid colour. Its H.264 stream is written by hand (no encoder at runtime): an IDR picture in
which every macroblock is I_16x16 with DC prediction, where only the first macroblock carries a DC
coefficient (the colour) and every later one predicts exactly that colour with no residual; then one
P picture per further frame in which every macroblock is skipped. That is about a byte per macroblock
once, and a few bytes per frame (ITU-T H.264 §7.3, §8.3.1.2.3, §8.5.10, §9.2).
"""

from __future__ import annotations

import functools
import struct
from dataclasses import dataclass

# ---- bits -------------------------------------------------------------------------------------------


class BitWriter:
    """An MSB-first bit string with the Exp-Golomb codes H.264 uses."""

    def __init__(self) -> None:
        self._bits: list[str] = []

    def u(self, n: int, value: int) -> None:
        """`value` as an n-bit unsigned integer."""
        if n:
            self._bits.append(format(value, f"0{n}b"))

    def bits(self, text: str) -> None:
        """A literal bit string such as '0101'."""
        self._bits.append(text)

    def ue(self, value: int) -> None:
        """Unsigned Exp-Golomb ue(v)."""
        code = format(value + 1, "b")
        self._bits.append("0" * (len(code) - 1) + code)

    def se(self, value: int) -> None:
        """Signed Exp-Golomb se(v)."""
        self.ue(2 * value - 1 if value > 0 else -2 * value)

    def rbsp(self) -> bytes:
        """The bits with rbsp_trailing_bits (a 1, then zeros to the byte boundary)."""
        text = "".join(self._bits) + "1"
        text += "0" * (-len(text) % 8)
        return int(text, 2).to_bytes(len(text) // 8, "big")


def nal(header: int, rbsp: bytes) -> bytes:
    """A NAL unit: header byte plus the RBSP with emulation-prevention bytes inserted (§7.4.1)."""
    out = bytearray([header])
    zeros = 0
    for b in rbsp:
        if zeros >= 2 and b <= 3:
            out.append(3)
            zeros = 0
        out.append(b)
        zeros = zeros + 1 if b == 0 else 0
    return bytes(out)


# ---- H.264 ------------------------------------------------------------------------------------------

_QP = 51  # the coarsest step: one DC level moves luma by 14 and chroma by 7 (§8.5.10, §8.5.11.2)
_LUMA_STEP = 14
_CHROMA_STEP = 7
_LOG2_MAX_FRAME_NUM = 16
# (level_idc, max macroblocks per frame, max macroblocks per second), Table A-1
_LEVELS = ((30, 1620, 40500), (31, 3600, 108000), (32, 5120, 216000), (40, 8192, 245760),
           (42, 8704, 522240), (50, 22080, 589824), (51, 36864, 983040), (52, 36864, 2073600))
# coeff_token for TotalCoeff 0/1 (Table 9-5): (TrailingOnes, TotalCoeff) -> bits, for 0 <= nC < 2 and nC == -1
_TOKEN_LUMA = {(0, 0): "1", (0, 1): "000101", (1, 1): "01"}
_TOKEN_CHROMA_DC = {(0, 0): "01", (0, 1): "000111", (1, 1): "1"}


def _level(bits: BitWriter, level: int) -> None:
    """One non-zero coefficient as the only coefficient of a block, after its coeff_token (§9.2.2)."""
    if abs(level) == 1:
        bits.u(1, 1 if level < 0 else 0)  # trailing_ones_sign_flag
        return
    code = 2 * level - 2 if level > 0 else -2 * level - 1
    code -= 2  # TrailingOnes < 3: the first level's magnitude is known to exceed 1
    bits.bits("0" * code + "1")  # level_prefix with suffixLength 0 (|level| <= 8 keeps it below 14)


def _block(bits: BitWriter, level: int, tokens: dict[tuple[int, int], str]) -> None:
    """A residual block holding at most one coefficient, at scan position 0."""
    if level == 0:
        bits.bits(tokens[(0, 0)])
        return
    bits.bits(tokens[(1 if abs(level) == 1 else 0, 1)])
    _level(bits, level)
    bits.bits("1")  # total_zeros = 0 (Tables 9-7 and 9-9a, tzVlcIndex 1)


def _levels(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    """The DC levels (Y, Cb, Cr) closest to `rgb` (BT.601 limited range), each within [-8, 8]."""
    r, g, b = rgb
    y = 16 + (65.738 * r + 129.057 * g + 25.064 * b) / 256
    cb = 128 + (-37.945 * r - 74.494 * g + 112.439 * b) / 256
    cr = 128 + (112.439 * r - 94.154 * g - 18.285 * b) / 256
    def level(value: float, step: int) -> int:
        return max(-8, min(8, round((value - 128) / step)))

    return level(y, _LUMA_STEP), level(cb, _CHROMA_STEP), level(cr, _CHROMA_STEP)


def _level_idc(mbs: int, fps: int) -> int:
    for idc, frame, rate in _LEVELS:
        if mbs <= frame and mbs * fps <= rate:
            return idc
    return 52


@dataclass(frozen=True, slots=True)
class Stream:
    """An H.264 elementary stream: parameter sets plus one NAL unit per frame."""

    sps: bytes
    pps: bytes
    frames: tuple[bytes, ...]
    level_idc: int


def h264(width: int, height: int, fps: int, frames: int, rgb: tuple[int, int, int] = (128, 128, 128)) -> Stream:
    """A constrained-baseline stream of `frames` solid-colour frames of width x height at `fps`."""
    mbw, mbh = (width + 15) // 16, (height + 15) // 16
    mbs = mbw * mbh
    level_idc = _level_idc(mbs, fps)
    sps = BitWriter()
    sps.u(8, 66)  # profile_idc: baseline
    sps.u(8, 0xC0)  # constraint_set0 + constraint_set1: constrained baseline
    sps.u(8, level_idc)
    sps.ue(0)  # seq_parameter_set_id
    sps.ue(_LOG2_MAX_FRAME_NUM - 4)
    sps.ue(2)  # pic_order_cnt_type 2: output order = decode order
    sps.ue(1)  # max_num_ref_frames
    sps.u(1, 0)  # gaps_in_frame_num_value_allowed_flag
    sps.ue(mbw - 1)
    sps.ue(mbh - 1)
    sps.u(1, 1)  # frame_mbs_only_flag
    sps.u(1, 1)  # direct_8x8_inference_flag
    crop_x, crop_y = (mbw * 16 - width) // 2, (mbh * 16 - height) // 2  # CropUnitX = CropUnitY = 2 (4:2:0)
    sps.u(1, 1 if crop_x or crop_y else 0)
    if crop_x or crop_y:
        sps.ue(0)
        sps.ue(crop_x)
        sps.ue(0)
        sps.ue(crop_y)
    sps.u(1, 1)  # vui_parameters_present_flag
    sps.bits("0000")  # aspect_ratio_info, overscan_info, video_signal_type, chroma_loc_info: absent
    sps.u(1, 1)  # timing_info_present_flag
    sps.u(32, 1)  # num_units_in_tick
    sps.u(32, 2 * fps)  # time_scale: two ticks per frame
    sps.u(1, 1)  # fixed_frame_rate_flag
    sps.bits("000")  # nal_hrd, vcl_hrd, pic_struct_present: absent
    sps.u(1, 1)  # bitstream_restriction_flag
    sps.u(1, 1)  # motion_vectors_over_pic_boundaries_flag
    sps.ue(0)  # max_bytes_per_pic_denom
    sps.ue(0)  # max_bits_per_mb_denom
    sps.ue(16)  # log2_max_mv_length_horizontal
    sps.ue(16)  # log2_max_mv_length_vertical
    sps.ue(0)  # max_num_reorder_frames: decoders output every frame at once
    sps.ue(1)  # max_dec_frame_buffering

    pps = BitWriter()
    pps.ue(0)  # pic_parameter_set_id
    pps.ue(0)  # seq_parameter_set_id
    pps.u(1, 0)  # entropy_coding_mode_flag: CAVLC
    pps.u(1, 0)  # bottom_field_pic_order_in_frame_present_flag
    pps.ue(0)  # num_slice_groups_minus1
    pps.ue(0)  # num_ref_idx_l0_default_active_minus1
    pps.ue(0)  # num_ref_idx_l1_default_active_minus1
    pps.u(1, 0)  # weighted_pred_flag
    pps.u(2, 0)  # weighted_bipred_idc
    pps.se(_QP - 26)  # pic_init_qp_minus26
    pps.se(0)  # pic_init_qs_minus26
    pps.se(0)  # chroma_qp_index_offset
    pps.u(1, 1)  # deblocking_filter_control_present_flag
    pps.u(1, 0)  # constrained_intra_pred_flag
    pps.u(1, 0)  # redundant_pic_cnt_present_flag

    out = [_idr(mbs, _levels(rgb))]
    for i in range(1, frames):
        out.append(_p_skip(mbs, i % (1 << _LOG2_MAX_FRAME_NUM)))
    return Stream(nal(0x67, sps.rbsp()), nal(0x68, pps.rbsp()), tuple(out), level_idc)


def _idr(mbs: int, levels: tuple[int, int, int]) -> bytes:
    bits = BitWriter()
    bits.ue(0)  # first_mb_in_slice
    bits.ue(7)  # slice_type: I (every slice of the picture)
    bits.ue(0)  # pic_parameter_set_id
    bits.u(_LOG2_MAX_FRAME_NUM, 0)  # frame_num
    bits.ue(0)  # idr_pic_id
    bits.u(1, 0)  # no_output_of_prior_pics_flag
    bits.u(1, 0)  # long_term_reference_flag
    bits.se(0)  # slice_qp_delta
    bits.ue(1)  # disable_deblocking_filter_idc: off (a solid picture has no edges to smooth)
    y, cb, cr = levels
    chroma = 1 if cb or cr else 0
    bits.ue(1 + 2 + 4 * chroma)  # mb_type I_16x16_2_<chroma>_0: DC prediction, no luma AC
    bits.ue(0)  # intra_chroma_pred_mode: DC
    bits.se(0)  # mb_qp_delta
    _block(bits, y, _TOKEN_LUMA)  # Intra16x16DCLevel; nC = 0 (no neighbours)
    if chroma:
        _block(bits, cb, _TOKEN_CHROMA_DC)
        _block(bits, cr, _TOKEN_CHROMA_DC)
    # every other macroblock: I_16x16_2_0_0, DC prediction (= the colour), no residual: 8 bits
    bits.bits("00100111" * (mbs - 1))
    return nal(0x65, bits.rbsp())


def _p_skip(mbs: int, frame_num: int) -> bytes:
    bits = BitWriter()
    bits.ue(0)  # first_mb_in_slice
    bits.ue(5)  # slice_type: P (every slice of the picture)
    bits.ue(0)  # pic_parameter_set_id
    bits.u(_LOG2_MAX_FRAME_NUM, frame_num)
    bits.u(1, 0)  # num_ref_idx_active_override_flag
    bits.u(1, 0)  # ref_pic_list_modification_flag_l0
    bits.u(1, 0)  # adaptive_ref_pic_marking_mode_flag
    bits.se(0)  # slice_qp_delta
    bits.ue(1)  # disable_deblocking_filter_idc
    bits.ue(mbs)  # mb_skip_run: the whole picture repeats the previous one
    return nal(0x21, bits.rbsp())


# ---- MP4 --------------------------------------------------------------------------------------------


def _box(kind: bytes, *parts: bytes) -> bytes:
    body = b"".join(parts)
    return struct.pack(">I", 8 + len(body)) + kind + body


def _full(kind: bytes, version: int, flags: int, *parts: bytes) -> bytes:
    return _box(kind, struct.pack(">I", (version << 24) | flags), *parts)


_MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)


def mp4(stream: Stream, width: int, height: int, fps: int) -> bytes:
    """Mux an H.264 stream into an ISO BMFF (MP4) file with the index up front (moov before mdat)."""
    samples = [struct.pack(">I", len(f)) + f for f in stream.frames]
    count = len(samples)
    timescale, delta = fps * 1000, 1000
    media_duration = count * delta
    movie_duration = count * 1000 // fps
    avcc = _box(b"avcC", bytes([1, 66, 0xC0, stream.level_idc, 0xFF, 0xE1]),
                struct.pack(">H", len(stream.sps)), stream.sps, b"\x01", struct.pack(">H", len(stream.pps)),
                stream.pps)
    avc1 = _box(b"avc1", b"\x00" * 6, struct.pack(">H", 1), b"\x00" * 16, struct.pack(">HH", width, height),
                struct.pack(">IIIH", 0x480000, 0x480000, 0, 1), bytes([4]) + b"h264".ljust(31, b"\x00"),
                struct.pack(">Hh", 0x18, -1), avcc)

    def moov(offset: int) -> bytes:
        stbl = _box(
            b"stbl",
            _full(b"stsd", 0, 0, struct.pack(">I", 1), avc1),
            _full(b"stts", 0, 0, struct.pack(">III", 1, count, delta)),
            _full(b"stss", 0, 0, struct.pack(">II", 1, 1)),
            _full(b"stsc", 0, 0, struct.pack(">IIII", 1, 1, count, 1)),
            _full(b"stsz", 0, 0, struct.pack(">II", 0, count), struct.pack(f">{count}I", *map(len, samples))),
            _full(b"stco", 0, 0, struct.pack(">II", 1, offset)),
        )
        minf = _box(b"minf", _full(b"vmhd", 0, 1, struct.pack(">HHHH", 0, 0, 0, 0)),
                    _box(b"dinf", _full(b"dref", 0, 0, struct.pack(">I", 1), _full(b"url ", 0, 1))), stbl)
        mdia = _box(b"mdia",
                    _full(b"mdhd", 0, 0, struct.pack(">IIIIHH", 0, 0, timescale, media_duration, 0x55C4, 0)),
                    _full(b"hdlr", 0, 0, struct.pack(">I4s12x", 0, b"vide"), b"VideoHandler\x00"), minf)
        tkhd = _full(b"tkhd", 0, 3, struct.pack(">IIIII", 0, 0, 1, 0, movie_duration), b"\x00" * 8,
                     struct.pack(">hhhH", 0, 0, 0, 0), _MATRIX, struct.pack(">II", width << 16, height << 16))
        mvhd = _full(b"mvhd", 0, 0, struct.pack(">IIIIIH", 0, 0, 1000, movie_duration, 0x10000, 0x100),
                     b"\x00" * 10, _MATRIX, b"\x00" * 24, struct.pack(">I", 2))
        return _box(b"moov", mvhd, _box(b"trak", tkhd, mdia))

    ftyp = _box(b"ftyp", b"isom", struct.pack(">I", 0x200), b"isomiso2avc1mp41")
    head = len(ftyp) + len(moov(0)) + 8
    return ftyp + moov(head) + _box(b"mdat", *samples)


@functools.lru_cache(maxsize=32)
def video(width: int, height: int, fps: int, duration: float, rgb: tuple[int, int, int] = (128, 128, 128)) -> bytes:
    """An MP4 (H.264) of a solid colour: width x height, `fps` frames a second, `duration` seconds."""
    even_w, even_h = width + width % 2, height + height % 2  # 4:2:0 crops in steps of two pixels
    frames = max(1, round(duration * fps))
    return mp4(h264(even_w, even_h, fps, frames, rgb), even_w, even_h, fps)
