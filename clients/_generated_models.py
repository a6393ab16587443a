"""Generated from openapi/dashscope.yaml by `python -m clients.codegen`. Do not edit by hand."""

# ruff: noqa: E501

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from ._generated import (
    AnimateAnyoneDetectGen2Input,
    AnimateAnyoneGen2Input,
    AnimateAnyoneGen2Parameters,
    AnimateAnyoneTemplateGen2Input,
    EmoDetectV1Input,
    EmoDetectV1Parameters,
    EmojiDetectV1Input,
    EmojiDetectV1Parameters,
    EmojiV1Input,
    EmoV1Input,
    EmoV1Parameters,
    ImageEraseCompletionInput,
    ImageEraseCompletionParameters,
    ImageInstanceSegmentationInput,
    ImageOutPaintingInput,
    ImageOutPaintingParameters,
    LiveportraitDetectInput,
    LiveportraitInput,
    LiveportraitParameters,
    QwenImagePlusInput,
    QwenImagePlusParameters,
    Shoemodelv1Input,
    Shoemodelv1Parameters,
    Vace21Input,
    Vace21Parameters,
    VideoretalkInput,
    VideoretalkParameters,
    VideoStyleTransformInput,
    VideoStyleTransformParameters,
    Virtualmodelv2Input,
    Virtualmodelv2Parameters,
    Wan22AnimateMixInput,
    Wan22AnimateMixParameters,
    Wan22AnimateMoveInput,
    Wan22AnimateMoveParameters,
    Wan22I2vFlashInput,
    Wan22I2vFlashParameters,
    Wan22I2vPlusInput,
    Wan22I2vPlusParameters,
    Wan22Kf2vFlashInput,
    Wan22Kf2vFlashParameters,
    Wan22S2vDetectInput,
    Wan22S2vInput,
    Wan22S2vParameters,
    Wan22T2vPlusInput,
    Wan22T2vPlusParameters,
    Wan25I2iPreviewInput,
    Wan25I2iPreviewParameters,
    Wan25I2vPreviewInput,
    Wan25I2vPreviewParameters,
    Wan25T2iPreviewInput,
    Wan25T2iPreviewParameters,
    Wan25T2vPreviewInput,
    Wan25T2vPreviewParameters,
    Wan26I2vFlashInput,
    Wan26I2vFlashParameters,
    Wan26I2vInput,
    Wan26I2vParameters,
    Wan26I2vUsInput,
    Wan26I2vUsParameters,
    Wan26ImageInput,
    Wan26ImageParameters,
    Wan26R2vFlashInput,
    Wan26R2vFlashParameters,
    Wan26R2vInput,
    Wan26R2vParameters,
    Wan26T2iInput,
    Wan26T2iParameters,
    Wan26T2vInput,
    Wan26T2vParameters,
    Wan26T2vUsInput,
    Wan26T2vUsParameters,
    Wan27I2vInput,
    Wan27I2vParameters,
    Wan27ImageInput,
    Wan27ImageParameters,
    Wan27R2vInput,
    Wan27R2vParameters,
    Wan27T2vInput,
    Wan27T2vParameters,
    Wan27VideoeditInput,
    Wan27VideoeditParameters,
    WanT2iV2Input,
    WanT2iV2Parameters,
    Wanx21I2vPlusInput,
    Wanx21I2vPlusParameters,
    Wanx21I2vTurboInput,
    Wanx21I2vTurboParameters,
    Wanx21ImageeditInput,
    Wanx21ImageeditParameters,
    Wanx21Kf2vPlusInput,
    Wanx21Kf2vPlusParameters,
    Wanx21T2vPlusInput,
    Wanx21T2vPlusParameters,
    Wanx21T2vTurboInput,
    Wanx21T2vTurboParameters,
    WanxBackgroundGenerationV2Input,
    WanxBackgroundGenerationV2Parameters,
    WanxPosterGenerationV1Input,
    WanxStyleRepaintV1Input,
    WanxV1Input,
    WanxV1Parameters,
    WanxVirtualmodelInput,
    WanxVirtualmodelParameters,
    WanxXPaintingInput,
    WanxXPaintingParameters,
)
from .responses import CreateResult, DetectResult


class _SyncCreator(Protocol):
    def create(self, model: str, input: Mapping[str, Any], parameters: Mapping[str, Any] | None = None,
               *, headers: Mapping[str, str] | None = None, validate: bool | None = None) -> CreateResult:
        ...

    def detect(self, model: str, input: Mapping[str, Any], parameters: Mapping[str, Any] | None = None,
               *, headers: Mapping[str, str] | None = None, validate: bool | None = None) -> DetectResult:
        ...


class _AsyncCreator(Protocol):
    async def create(self, model: str, input: Mapping[str, Any],
                     parameters: Mapping[str, Any] | None = None, *,
                     headers: Mapping[str, str] | None = None,
                     validate: bool | None = None) -> CreateResult:
        ...

    async def detect(self, model: str, input: Mapping[str, Any],
                     parameters: Mapping[str, Any] | None = None, *,
                     headers: Mapping[str, str] | None = None,
                     validate: bool | None = None) -> DetectResult:
        ...


class SyncModels:
    """One typed create helper per model id (`client.models.wan2_7_i2v(...)`)."""

    def __init__(self, client: _SyncCreator) -> None:
        self._client = client

    def wan2_5_i2i_preview(
        self, input: Wan25I2iPreviewInput, parameters: Wan25I2iPreviewParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.5-i2i-preview task (image2image/image-synthesis; result: results[].url)."""
        return self._client.create('wan2.5-i2i-preview', input, parameters, headers=headers, validate=validate)

    def wanx2_1_imageedit(
        self, input: Wanx21ImageeditInput, parameters: Wanx21ImageeditParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx2.1-imageedit task (image2image/image-synthesis; result: results[].url)."""
        return self._client.create('wanx2.1-imageedit', input, parameters, headers=headers, validate=validate)

    def wanx2_1_t2i_turbo(
        self, input: WanT2iV2Input, parameters: WanT2iV2Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx2.1-t2i-turbo task (text2image/image-synthesis; result: results[].url)."""
        return self._client.create('wanx2.1-t2i-turbo', input, parameters, headers=headers, validate=validate)

    def wanx2_1_t2i_plus(
        self, input: WanT2iV2Input, parameters: WanT2iV2Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx2.1-t2i-plus task (text2image/image-synthesis; result: results[].url)."""
        return self._client.create('wanx2.1-t2i-plus', input, parameters, headers=headers, validate=validate)

    def wanx2_0_t2i_turbo(
        self, input: WanT2iV2Input, parameters: WanT2iV2Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx2.0-t2i-turbo task (text2image/image-synthesis; result: results[].url)."""
        return self._client.create('wanx2.0-t2i-turbo', input, parameters, headers=headers, validate=validate)

    def wan2_2_t2i_flash(
        self, input: WanT2iV2Input, parameters: WanT2iV2Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.2-t2i-flash task (text2image/image-synthesis; result: results[].url)."""
        return self._client.create('wan2.2-t2i-flash', input, parameters, headers=headers, validate=validate)

    def wan2_2_t2i_plus(
        self, input: WanT2iV2Input, parameters: WanT2iV2Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.2-t2i-plus task (text2image/image-synthesis; result: results[].url)."""
        return self._client.create('wan2.2-t2i-plus', input, parameters, headers=headers, validate=validate)

    def wanx_v1(
        self, input: WanxV1Input, parameters: WanxV1Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx-v1 task (text2image/image-synthesis; result: results[].url)."""
        return self._client.create('wanx-v1', input, parameters, headers=headers, validate=validate)

    def wan2_5_t2i_preview(
        self, input: Wan25T2iPreviewInput, parameters: Wan25T2iPreviewParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.5-t2i-preview task (text2image/image-synthesis; result: results[].url)."""
        return self._client.create('wan2.5-t2i-preview', input, parameters, headers=headers, validate=validate)

    def qwen_image_plus(
        self, input: QwenImagePlusInput, parameters: QwenImagePlusParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a qwen-image-plus task (text2image/image-synthesis; result: results[].url)."""
        return self._client.create('qwen-image-plus', input, parameters, headers=headers, validate=validate)

    def wan2_6_t2i(
        self, input: Wan26T2iInput, parameters: Wan26T2iParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.6-t2i task (image-generation/generation; result: choices[].message.content[].image)."""
        return self._client.create('wan2.6-t2i', input, parameters, headers=headers, validate=validate)

    def wan2_6_image(
        self, input: Wan26ImageInput, parameters: Wan26ImageParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.6-image task (image-generation/generation; result: choices[].message.content[].image)."""
        return self._client.create('wan2.6-image', input, parameters, headers=headers, validate=validate)

    def wan2_7_image(
        self, input: Wan27ImageInput, parameters: Wan27ImageParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.7-image task (image-generation/generation; result: choices[].message.content[].image)."""
        return self._client.create('wan2.7-image', input, parameters, headers=headers, validate=validate)

    def wan2_7_image_pro(
        self, input: Wan27ImageInput, parameters: Wan27ImageParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.7-image-pro task (image-generation/generation; result: choices[].message.content[].image)."""
        return self._client.create('wan2.7-image-pro', input, parameters, headers=headers, validate=validate)

    def wanx_style_repaint_v1(
        self, input: WanxStyleRepaintV1Input, parameters: Mapping[str, Any] | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx-style-repaint-v1 task (image-generation/generation; result: results[].url)."""
        return self._client.create('wanx-style-repaint-v1', input, parameters, headers=headers, validate=validate)

    def wanx_background_generation_v2(
        self, input: WanxBackgroundGenerationV2Input, parameters: WanxBackgroundGenerationV2Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx-background-generation-v2 task (background-generation/generation; result: results[].url)."""
        return self._client.create('wanx-background-generation-v2', input, parameters, headers=headers, validate=validate)

    def image_out_painting(
        self, input: ImageOutPaintingInput, parameters: ImageOutPaintingParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a image-out-painting task (image2image/out-painting; result: output_image_url)."""
        return self._client.create('image-out-painting', input, parameters, headers=headers, validate=validate)

    def wanx_virtualmodel(
        self, input: WanxVirtualmodelInput, parameters: WanxVirtualmodelParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx-virtualmodel task (virtualmodel/generation; result: results[].url)."""
        return self._client.create('wanx-virtualmodel', input, parameters, headers=headers, validate=validate)

    def virtualmodel_v2(
        self, input: Virtualmodelv2Input, parameters: Virtualmodelv2Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a virtualmodel-v2 task (virtualmodel/generation; result: results[].url)."""
        return self._client.create('virtualmodel-v2', input, parameters, headers=headers, validate=validate)

    def shoemodel_v1(
        self, input: Shoemodelv1Input, parameters: Shoemodelv1Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a shoemodel-v1 task (virtualmodel/generation; result: results[].url)."""
        return self._client.create('shoemodel-v1', input, parameters, headers=headers, validate=validate)

    def wanx_poster_generation_v1(
        self, input: WanxPosterGenerationV1Input, parameters: Mapping[str, Any] | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx-poster-generation-v1 task (text2image/image-synthesis; result: render_urls[])."""
        return self._client.create('wanx-poster-generation-v1', input, parameters, headers=headers, validate=validate)

    def image_instance_segmentation(
        self, input: ImageInstanceSegmentationInput, parameters: Mapping[str, Any] | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a image-instance-segmentation task (image2image/image-synthesis; result: output_image_url)."""
        return self._client.create('image-instance-segmentation', input, parameters, headers=headers, validate=validate)

    def image_erase_completion(
        self, input: ImageEraseCompletionInput, parameters: ImageEraseCompletionParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a image-erase-completion task (image2image/image-synthesis; result: output_image_url)."""
        return self._client.create('image-erase-completion', input, parameters, headers=headers, validate=validate)

    def wanx_x_painting(
        self, input: WanxXPaintingInput, parameters: WanxXPaintingParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx-x-painting task (image2image/image-synthesis; result: results[].url)."""
        return self._client.create('wanx-x-painting', input, parameters, headers=headers, validate=validate)

    def wan2_2_s2v_detect(
        self, input: Wan22S2vDetectInput, parameters: Mapping[str, Any] | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> DetectResult:
        """Create a wan2.2-s2v-detect detect answer (image2video/face-detect; result: output)."""
        return self._client.detect('wan2.2-s2v-detect', input, parameters, headers=headers, validate=validate)

    def wan2_2_s2v(
        self, input: Wan22S2vInput, parameters: Wan22S2vParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.2-s2v task (image2video/video-synthesis; result: results.video_url)."""
        return self._client.create('wan2.2-s2v', input, parameters, headers=headers, validate=validate)

    def wan2_2_animate_move(
        self, input: Wan22AnimateMoveInput, parameters: Wan22AnimateMoveParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.2-animate-move task (image2video/video-synthesis; result: results.video_url)."""
        return self._client.create('wan2.2-animate-move', input, parameters, headers=headers, validate=validate)

    def wan2_2_animate_mix(
        self, input: Wan22AnimateMixInput, parameters: Wan22AnimateMixParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.2-animate-mix task (image2video/video-synthesis; result: results.video_url)."""
        return self._client.create('wan2.2-animate-mix', input, parameters, headers=headers, validate=validate)

    def animate_anyone_detect_gen2(
        self, input: AnimateAnyoneDetectGen2Input, parameters: Mapping[str, Any] | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> DetectResult:
        """Create a animate-anyone-detect-gen2 detect answer (image2video/aa-detect; result: output)."""
        return self._client.detect('animate-anyone-detect-gen2', input, parameters, headers=headers, validate=validate)

    def animate_anyone_template_gen2(
        self, input: AnimateAnyoneTemplateGen2Input, parameters: Mapping[str, Any] | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a animate-anyone-template-gen2 task (image2video/aa-template-generation; result: template_id)."""
        return self._client.create('animate-anyone-template-gen2', input, parameters, headers=headers, validate=validate)

    def animate_anyone_gen2(
        self, input: AnimateAnyoneGen2Input, parameters: AnimateAnyoneGen2Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a animate-anyone-gen2 task (image2video/video-synthesis; result: video_url)."""
        return self._client.create('animate-anyone-gen2', input, parameters, headers=headers, validate=validate)

    def emo_detect_v1(
        self, input: EmoDetectV1Input, parameters: EmoDetectV1Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> DetectResult:
        """Create a emo-detect-v1 detect answer (image2video/face-detect; result: output)."""
        return self._client.detect('emo-detect-v1', input, parameters, headers=headers, validate=validate)

    def emo_v1(
        self, input: EmoV1Input, parameters: EmoV1Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a emo-v1 task (image2video/video-synthesis; result: results.video_url)."""
        return self._client.create('emo-v1', input, parameters, headers=headers, validate=validate)

    def liveportrait_detect(
        self, input: LiveportraitDetectInput, parameters: Mapping[str, Any] | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> DetectResult:
        """Create a liveportrait-detect detect answer (image2video/face-detect; result: output)."""
        return self._client.detect('liveportrait-detect', input, parameters, headers=headers, validate=validate)

    def liveportrait(
        self, input: LiveportraitInput, parameters: LiveportraitParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a liveportrait task (image2video/video-synthesis; result: results.video_url)."""
        return self._client.create('liveportrait', input, parameters, headers=headers, validate=validate)

    def videoretalk(
        self, input: VideoretalkInput, parameters: VideoretalkParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a videoretalk task (image2video/video-synthesis; result: video_url)."""
        return self._client.create('videoretalk', input, parameters, headers=headers, validate=validate)

    def emoji_detect_v1(
        self, input: EmojiDetectV1Input, parameters: EmojiDetectV1Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> DetectResult:
        """Create a emoji-detect-v1 detect answer (image2video/face-detect; result: output)."""
        return self._client.detect('emoji-detect-v1', input, parameters, headers=headers, validate=validate)

    def emoji_v1(
        self, input: EmojiV1Input, parameters: Mapping[str, Any] | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a emoji-v1 task (image2video/video-synthesis; result: video_url)."""
        return self._client.create('emoji-v1', input, parameters, headers=headers, validate=validate)

    def video_style_transform(
        self, input: VideoStyleTransformInput, parameters: VideoStyleTransformParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a video-style-transform task (video-generation/video-synthesis; result: output_video_url)."""
        return self._client.create('video-style-transform', input, parameters, headers=headers, validate=validate)

    def wan2_7_videoedit(
        self, input: Wan27VideoeditInput, parameters: Wan27VideoeditParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.7-videoedit task (video-generation/video-synthesis; result: video_url)."""
        return self._client.create('wan2.7-videoedit', input, parameters, headers=headers, validate=validate)

    def wan2_1_vace_plus(
        self, input: Vace21Input, parameters: Vace21Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.1-vace-plus task (video-generation/video-synthesis; result: video_url)."""
        return self._client.create('wan2.1-vace-plus', input, parameters, headers=headers, validate=validate)

    def wanx2_1_vace_plus(
        self, input: Vace21Input, parameters: Vace21Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx2.1-vace-plus task (video-generation/video-synthesis; result: video_url)."""
        return self._client.create('wanx2.1-vace-plus', input, parameters, headers=headers, validate=validate)

    def wan2_6_t2v(
        self, input: Wan26T2vInput, parameters: Wan26T2vParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.6-t2v task (video-generation/video-synthesis; result: video_url)."""
        return self._client.create('wan2.6-t2v', input, parameters, headers=headers, validate=validate)

    def wan2_6_t2v_us(
        self, input: Wan26T2vUsInput, parameters: Wan26T2vUsParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.6-t2v-us task (video-generation/video-synthesis; result: video_url)."""
        return self._client.create('wan2.6-t2v-us', input, parameters, headers=headers, validate=validate)

    def wan2_5_t2v_preview(
        self, input: Wan25T2vPreviewInput, parameters: Wan25T2vPreviewParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.5-t2v-preview task (video-generation/video-synthesis; result: video_url)."""
        return self._client.create('wan2.5-t2v-preview', input, parameters, headers=headers, validate=validate)

    def wan2_2_t2v_plus(
        self, input: Wan22T2vPlusInput, parameters: Wan22T2vPlusParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.2-t2v-plus task (video-generation/video-synthesis; result: video_url)."""
        return self._client.create('wan2.2-t2v-plus', input, parameters, headers=headers, validate=validate)

    def wanx2_1_t2v_turbo(
        self, input: Wanx21T2vTurboInput, parameters: Wanx21T2vTurboParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx2.1-t2v-turbo task (video-generation/video-synthesis; result: video_url)."""
        return self._client.create('wanx2.1-t2v-turbo', input, parameters, headers=headers, validate=validate)

    def wanx2_1_t2v_plus(
        self, input: Wanx21T2vPlusInput, parameters: Wanx21T2vPlusParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx2.1-t2v-plus task (video-generation/video-synthesis; result: video_url)."""
        return self._client.create('wanx2.1-t2v-plus', input, parameters, headers=headers, validate=validate)

    def wan2_6_i2v_flash(
        self, input: Wan26I2vFlashInput, parameters: Wan26I2vFlashParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.6-i2v-flash task (video-generation/video-synthesis; result: video_url)."""
        return self._client.create('wan2.6-i2v-flash', input, parameters, headers=headers, validate=validate)

    def wan2_6_i2v(
        self, input: Wan26I2vInput, parameters: Wan26I2vParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.6-i2v task (video-generation/video-synthesis; result: video_url)."""
        return self._client.create('wan2.6-i2v', input, parameters, headers=headers, validate=validate)

    def wan2_6_i2v_us(
        self, input: Wan26I2vUsInput, parameters: Wan26I2vUsParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.6-i2v-us task (video-generation/video-synthesis; result: video_url)."""
        return self._client.create('wan2.6-i2v-us', input, parameters, headers=headers, validate=validate)

    def wan2_5_i2v_preview(
        self, input: Wan25I2vPreviewInput, parameters: Wan25I2vPreviewParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.5-i2v-preview task (video-generation/video-synthesis; result: video_url)."""
        return self._client.create('wan2.5-i2v-preview', input, parameters, headers=headers, validate=validate)

    def wan2_2_i2v_flash(
        self, input: Wan22I2vFlashInput, parameters: Wan22I2vFlashParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.2-i2v-flash task (video-generation/video-synthesis; result: video_url)."""
        return self._client.create('wan2.2-i2v-flash', input, parameters, headers=headers, validate=validate)

    def wan2_2_i2v_plus(
        self, input: Wan22I2vPlusInput, parameters: Wan22I2vPlusParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.2-i2v-plus task (video-generation/video-synthesis; result: video_url)."""
        return self._client.create('wan2.2-i2v-plus', input, parameters, headers=headers, validate=validate)

    def wanx2_1_i2v_plus(
        self, input: Wanx21I2vPlusInput, parameters: Wanx21I2vPlusParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx2.1-i2v-plus task (video-generation/video-synthesis; result: video_url)."""
        return self._client.create('wanx2.1-i2v-plus', input, parameters, headers=headers, validate=validate)

    def wanx2_1_i2v_turbo(
        self, input: Wanx21I2vTurboInput, parameters: Wanx21I2vTurboParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx2.1-i2v-turbo task (video-generation/video-synthesis; result: video_url)."""
        return self._client.create('wanx2.1-i2v-turbo', input, parameters, headers=headers, validate=validate)

    def wan2_2_kf2v_flash(
        self, input: Wan22Kf2vFlashInput, parameters: Wan22Kf2vFlashParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.2-kf2v-flash task (image2video/video-synthesis; result: video_url)."""
        return self._client.create('wan2.2-kf2v-flash', input, parameters, headers=headers, validate=validate)

    def wanx2_1_kf2v_plus(
        self, input: Wanx21Kf2vPlusInput, parameters: Wanx21Kf2vPlusParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx2.1-kf2v-plus task (image2video/video-synthesis; result: video_url)."""
        return self._client.create('wanx2.1-kf2v-plus', input, parameters, headers=headers, validate=validate)

    def wan2_1_kf2v_plus(
        self, input: Wanx21Kf2vPlusInput, parameters: Wanx21Kf2vPlusParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.1-kf2v-plus task (image2video/video-synthesis; result: video_url)."""
        return self._client.create('wan2.1-kf2v-plus', input, parameters, headers=headers, validate=validate)

    def wan2_6_r2v_flash(
        self, input: Wan26R2vFlashInput, parameters: Wan26R2vFlashParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.6-r2v-flash task (video-generation/video-synthesis; result: video_url)."""
        return self._client.create('wan2.6-r2v-flash', input, parameters, headers=headers, validate=validate)

    def wan2_6_r2v(
        self, input: Wan26R2vInput, parameters: Wan26R2vParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.6-r2v task (video-generation/video-synthesis; result: video_url)."""
        return self._client.create('wan2.6-r2v', input, parameters, headers=headers, validate=validate)

    def wan2_7_t2v(
        self, input: Wan27T2vInput, parameters: Wan27T2vParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.7-t2v task (video-generation/video-synthesis; result: video_url)."""
        return self._client.create('wan2.7-t2v', input, parameters, headers=headers, validate=validate)

    def wan2_7_i2v(
        self, input: Wan27I2vInput, parameters: Wan27I2vParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.7-i2v task (video-generation/video-synthesis; result: video_url)."""
        return self._client.create('wan2.7-i2v', input, parameters, headers=headers, validate=validate)

    def wan2_7_r2v(
        self, input: Wan27R2vInput, parameters: Wan27R2vParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.7-r2v task (video-generation/video-synthesis; result: video_url)."""
        return self._client.create('wan2.7-r2v', input, parameters, headers=headers, validate=validate)


class AsyncModels:
    """One typed create helper per model id (`await client.models.wan2_7_i2v(...)`)."""

    def __init__(self, client: _AsyncCreator) -> None:
        self._client = client

    async def wan2_5_i2i_preview(
        self, input: Wan25I2iPreviewInput, parameters: Wan25I2iPreviewParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.5-i2i-preview task (image2image/image-synthesis; result: results[].url)."""
        return await self._client.create('wan2.5-i2i-preview', input, parameters, headers=headers, validate=validate)

    async def wanx2_1_imageedit(
        self, input: Wanx21ImageeditInput, parameters: Wanx21ImageeditParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx2.1-imageedit task (image2image/image-synthesis; result: results[].url)."""
        return await self._client.create('wanx2.1-imageedit', input, parameters, headers=headers, validate=validate)

    async def wanx2_1_t2i_turbo(
        self, input: WanT2iV2Input, parameters: WanT2iV2Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx2.1-t2i-turbo task (text2image/image-synthesis; result: results[].url)."""
        return await self._client.create('wanx2.1-t2i-turbo', input, parameters, headers=headers, validate=validate)

    async def wanx2_1_t2i_plus(
        self, input: WanT2iV2Input, parameters: WanT2iV2Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx2.1-t2i-plus task (text2image/image-synthesis; result: results[].url)."""
        return await self._client.create('wanx2.1-t2i-plus', input, parameters, headers=headers, validate=validate)

    async def wanx2_0_t2i_turbo(
        self, input: WanT2iV2Input, parameters: WanT2iV2Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx2.0-t2i-turbo task (text2image/image-synthesis; result: results[].url)."""
        return await self._client.create('wanx2.0-t2i-turbo', input, parameters, headers=headers, validate=validate)

    async def wan2_2_t2i_flash(
        self, input: WanT2iV2Input, parameters: WanT2iV2Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.2-t2i-flash task (text2image/image-synthesis; result: results[].url)."""
        return await self._client.create('wan2.2-t2i-flash', input, parameters, headers=headers, validate=validate)

    async def wan2_2_t2i_plus(
        self, input: WanT2iV2Input, parameters: WanT2iV2Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.2-t2i-plus task (text2image/image-synthesis; result: results[].url)."""
        return await self._client.create('wan2.2-t2i-plus', input, parameters, headers=headers, validate=validate)

    async def wanx_v1(
        self, input: WanxV1Input, parameters: WanxV1Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx-v1 task (text2image/image-synthesis; result: results[].url)."""
        return await self._client.create('wanx-v1', input, parameters, headers=headers, validate=validate)

    async def wan2_5_t2i_preview(
        self, input: Wan25T2iPreviewInput, parameters: Wan25T2iPreviewParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.5-t2i-preview task (text2image/image-synthesis; result: results[].url)."""
        return await self._client.create('wan2.5-t2i-preview', input, parameters, headers=headers, validate=validate)

    async def qwen_image_plus(
        self, input: QwenImagePlusInput, parameters: QwenImagePlusParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a qwen-image-plus task (text2image/image-synthesis; result: results[].url)."""
        return await self._client.create('qwen-image-plus', input, parameters, headers=headers, validate=validate)

    async def wan2_6_t2i(
        self, input: Wan26T2iInput, parameters: Wan26T2iParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.6-t2i task (image-generation/generation; result: choices[].message.content[].image)."""
        return await self._client.create('wan2.6-t2i', input, parameters, headers=headers, validate=validate)

    async def wan2_6_image(
        self, input: Wan26ImageInput, parameters: Wan26ImageParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.6-image task (image-generation/generation; result: choices[].message.content[].image)."""
        return await self._client.create('wan2.6-image', input, parameters, headers=headers, validate=validate)

    async def wan2_7_image(
        self, input: Wan27ImageInput, parameters: Wan27ImageParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.7-image task (image-generation/generation; result: choices[].message.content[].image)."""
        return await self._client.create('wan2.7-image', input, parameters, headers=headers, validate=validate)

    async def wan2_7_image_pro(
        self, input: Wan27ImageInput, parameters: Wan27ImageParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.7-image-pro task (image-generation/generation; result: choices[].message.content[].image)."""
        return await self._client.create('wan2.7-image-pro', input, parameters, headers=headers, validate=validate)

    async def wanx_style_repaint_v1(
        self, input: WanxStyleRepaintV1Input, parameters: Mapping[str, Any] | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx-style-repaint-v1 task (image-generation/generation; result: results[].url)."""
        return await self._client.create('wanx-style-repaint-v1', input, parameters, headers=headers, validate=validate)

    async def wanx_background_generation_v2(
        self, input: WanxBackgroundGenerationV2Input, parameters: WanxBackgroundGenerationV2Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx-background-generation-v2 task (background-generation/generation; result: results[].url)."""
        return await self._client.create('wanx-background-generation-v2', input, parameters, headers=headers, validate=validate)

    async def image_out_painting(
        self, input: ImageOutPaintingInput, parameters: ImageOutPaintingParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a image-out-painting task (image2image/out-painting; result: output_image_url)."""
        return await self._client.create('image-out-painting', input, parameters, headers=headers, validate=validate)

    async def wanx_virtualmodel(
        self, input: WanxVirtualmodelInput, parameters: WanxVirtualmodelParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx-virtualmodel task (virtualmodel/generation; result: results[].url)."""
        return await self._client.create('wanx-virtualmodel', input, parameters, headers=headers, validate=validate)

    async def virtualmodel_v2(
        self, input: Virtualmodelv2Input, parameters: Virtualmodelv2Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a virtualmodel-v2 task (virtualmodel/generation; result: results[].url)."""
        return await self._client.create('virtualmodel-v2', input, parameters, headers=headers, validate=validate)

    async def shoemodel_v1(
        self, input: Shoemodelv1Input, parameters: Shoemodelv1Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a shoemodel-v1 task (virtualmodel/generation; result: results[].url)."""
        return await self._client.create('shoemodel-v1', input, parameters, headers=headers, validate=validate)

    async def wanx_poster_generation_v1(
        self, input: WanxPosterGenerationV1Input, parameters: Mapping[str, Any] | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx-poster-generation-v1 task (text2image/image-synthesis; result: render_urls[])."""
        return await self._client.create('wanx-poster-generation-v1', input, parameters, headers=headers, validate=validate)

    async def image_instance_segmentation(
        self, input: ImageInstanceSegmentationInput, parameters: Mapping[str, Any] | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a image-instance-segmentation task (image2image/image-synthesis; result: output_image_url)."""
        return await self._client.create('image-instance-segmentation', input, parameters, headers=headers, validate=validate)

    async def image_erase_completion(
        self, input: ImageEraseCompletionInput, parameters: ImageEraseCompletionParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a image-erase-completion task (image2image/image-synthesis; result: output_image_url)."""
        return await self._client.create('image-erase-completion', input, parameters, headers=headers, validate=validate)

    async def wanx_x_painting(
        self, input: WanxXPaintingInput, parameters: WanxXPaintingParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx-x-painting task (image2image/image-synthesis; result: results[].url)."""
        return await self._client.create('wanx-x-painting', input, parameters, headers=headers, validate=validate)

    async def wan2_2_s2v_detect(
        self, input: Wan22S2vDetectInput, parameters: Mapping[str, Any] | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> DetectResult:
        """Create a wan2.2-s2v-detect detect answer (image2video/face-detect; result: output)."""
        return await self._client.detect('wan2.2-s2v-detect', input, parameters, headers=headers, validate=validate)

    async def wan2_2_s2v(
        self, input: Wan22S2vInput, parameters: Wan22S2vParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.2-s2v task (image2video/video-synthesis; result: results.video_url)."""
        return await self._client.create('wan2.2-s2v', input, parameters, headers=headers, validate=validate)

    async def wan2_2_animate_move(
        self, input: Wan22AnimateMoveInput, parameters: Wan22AnimateMoveParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.2-animate-move task (image2video/video-synthesis; result: results.video_url)."""
        return await self._client.create('wan2.2-animate-move', input, parameters, headers=headers, validate=validate)

    async def wan2_2_animate_mix(
        self, input: Wan22AnimateMixInput, parameters: Wan22AnimateMixParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.2-animate-mix task (image2video/video-synthesis; result: results.video_url)."""
        return await self._client.create('wan2.2-animate-mix', input, parameters, headers=headers, validate=validate)

    async def animate_anyone_detect_gen2(
        self, input: AnimateAnyoneDetectGen2Input, parameters: Mapping[str, Any] | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> DetectResult:
        """Create a animate-anyone-detect-gen2 detect answer (image2video/aa-detect; result: output)."""
        return await self._client.detect('animate-anyone-detect-gen2', input, parameters, headers=headers, validate=validate)

    async def animate_anyone_template_gen2(
        self, input: AnimateAnyoneTemplateGen2Input, parameters: Mapping[str, Any] | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a animate-anyone-template-gen2 task (image2video/aa-template-generation; result: template_id)."""
        return await self._client.create('animate-anyone-template-gen2', input, parameters, headers=headers, validate=validate)

    async def animate_anyone_gen2(
        self, input: AnimateAnyoneGen2Input, parameters: AnimateAnyoneGen2Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a animate-anyone-gen2 task (image2video/video-synthesis; result: video_url)."""
        return await self._client.create('animate-anyone-gen2', input, parameters, headers=headers, validate=validate)

    async def emo_detect_v1(
        self, input: EmoDetectV1Input, parameters: EmoDetectV1Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> DetectResult:
        """Create a emo-detect-v1 detect answer (image2video/face-detect; result: output)."""
        return await self._client.detect('emo-detect-v1', input, parameters, headers=headers, validate=validate)

    async def emo_v1(
        self, input: EmoV1Input, parameters: EmoV1Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a emo-v1 task (image2video/video-synthesis; result: results.video_url)."""
        return await self._client.create('emo-v1', input, parameters, headers=headers, validate=validate)

    async def liveportrait_detect(
        self, input: LiveportraitDetectInput, parameters: Mapping[str, Any] | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> DetectResult:
        """Create a liveportrait-detect detect answer (image2video/face-detect; result: output)."""
        return await self._client.detect('liveportrait-detect', input, parameters, headers=headers, validate=validate)

    async def liveportrait(
        self, input: LiveportraitInput, parameters: LiveportraitParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a liveportrait task (image2video/video-synthesis; result: results.video_url)."""
        return await self._client.create('liveportrait', input, parameters, headers=headers, validate=validate)

    async def videoretalk(
        self, input: VideoretalkInput, parameters: VideoretalkParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a videoretalk task (image2video/video-synthesis; result: video_url)."""
        return await self._client.create('videoretalk', input, parameters, headers=headers, validate=validate)

    async def emoji_detect_v1(
        self, input: EmojiDetectV1Input, parameters: EmojiDetectV1Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> DetectResult:
        """Create a emoji-detect-v1 detect answer (image2video/face-detect; result: output)."""
        return await self._client.detect('emoji-detect-v1', input, parameters, headers=headers, validate=validate)

    async def emoji_v1(
        self, input: EmojiV1Input, parameters: Mapping[str, Any] | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a emoji-v1 task (image2video/video-synthesis; result: video_url)."""
        return await self._client.create('emoji-v1', input, parameters, headers=headers, validate=validate)

    async def video_style_transform(
        self, input: VideoStyleTransformInput, parameters: VideoStyleTransformParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a video-style-transform task (video-generation/video-synthesis; result: output_video_url)."""
        return await self._client.create('video-style-transform', input, parameters, headers=headers, validate=validate)

    async def wan2_7_videoedit(
        self, input: Wan27VideoeditInput, parameters: Wan27VideoeditParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.7-videoedit task (video-generation/video-synthesis; result: video_url)."""
        return await self._client.create('wan2.7-videoedit', input, parameters, headers=headers, validate=validate)

    async def wan2_1_vace_plus(
        self, input: Vace21Input, parameters: Vace21Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.1-vace-plus task (video-generation/video-synthesis; result: video_url)."""
        return await self._client.create('wan2.1-vace-plus', input, parameters, headers=headers, validate=validate)

    async def wanx2_1_vace_plus(
        self, input: Vace21Input, parameters: Vace21Parameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx2.1-vace-plus task (video-generation/video-synthesis; result: video_url)."""
        return await self._client.create('wanx2.1-vace-plus', input, parameters, headers=headers, validate=validate)

    async def wan2_6_t2v(
        self, input: Wan26T2vInput, parameters: Wan26T2vParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.6-t2v task (video-generation/video-synthesis; result: video_url)."""
        return await self._client.create('wan2.6-t2v', input, parameters, headers=headers, validate=validate)

    async def wan2_6_t2v_us(
        self, input: Wan26T2vUsInput, parameters: Wan26T2vUsParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.6-t2v-us task (video-generation/video-synthesis; result: video_url)."""
        return await self._client.create('wan2.6-t2v-us', input, parameters, headers=headers, validate=validate)

    async def wan2_5_t2v_preview(
        self, input: Wan25T2vPreviewInput, parameters: Wan25T2vPreviewParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.5-t2v-preview task (video-generation/video-synthesis; result: video_url)."""
        return await self._client.create('wan2.5-t2v-preview', input, parameters, headers=headers, validate=validate)

    async def wan2_2_t2v_plus(
        self, input: Wan22T2vPlusInput, parameters: Wan22T2vPlusParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.2-t2v-plus task (video-generation/video-synthesis; result: video_url)."""
        return await self._client.create('wan2.2-t2v-plus', input, parameters, headers=headers, validate=validate)

    async def wanx2_1_t2v_turbo(
        self, input: Wanx21T2vTurboInput, parameters: Wanx21T2vTurboParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx2.1-t2v-turbo task (video-generation/video-synthesis; result: video_url)."""
        return await self._client.create('wanx2.1-t2v-turbo', input, parameters, headers=headers, validate=validate)

    async def wanx2_1_t2v_plus(
        self, input: Wanx21T2vPlusInput, parameters: Wanx21T2vPlusParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx2.1-t2v-plus task (video-generation/video-synthesis; result: video_url)."""
        return await self._client.create('wanx2.1-t2v-plus', input, parameters, headers=headers, validate=validate)

    async def wan2_6_i2v_flash(
        self, input: Wan26I2vFlashInput, parameters: Wan26I2vFlashParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.6-i2v-flash task (video-generation/video-synthesis; result: video_url)."""
        return await self._client.create('wan2.6-i2v-flash', input, parameters, headers=headers, validate=validate)

    async def wan2_6_i2v(
        self, input: Wan26I2vInput, parameters: Wan26I2vParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.6-i2v task (video-generation/video-synthesis; result: video_url)."""
        return await self._client.create('wan2.6-i2v', input, parameters, headers=headers, validate=validate)

    async def wan2_6_i2v_us(
        self, input: Wan26I2vUsInput, parameters: Wan26I2vUsParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.6-i2v-us task (video-generation/video-synthesis; result: video_url)."""
        return await self._client.create('wan2.6-i2v-us', input, parameters, headers=headers, validate=validate)

    async def wan2_5_i2v_preview(
        self, input: Wan25I2vPreviewInput, parameters: Wan25I2vPreviewParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.5-i2v-preview task (video-generation/video-synthesis; result: video_url)."""
        return await self._client.create('wan2.5-i2v-preview', input, parameters, headers=headers, validate=validate)

    async def wan2_2_i2v_flash(
        self, input: Wan22I2vFlashInput, parameters: Wan22I2vFlashParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.2-i2v-flash task (video-generation/video-synthesis; result: video_url)."""
        return await self._client.create('wan2.2-i2v-flash', input, parameters, headers=headers, validate=validate)

    async def wan2_2_i2v_plus(
        self, input: Wan22I2vPlusInput, parameters: Wan22I2vPlusParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.2-i2v-plus task (video-generation/video-synthesis; result: video_url)."""
        return await self._client.create('wan2.2-i2v-plus', input, parameters, headers=headers, validate=validate)

    async def wanx2_1_i2v_plus(
        self, input: Wanx21I2vPlusInput, parameters: Wanx21I2vPlusParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx2.1-i2v-plus task (video-generation/video-synthesis; result: video_url)."""
        return await self._client.create('wanx2.1-i2v-plus', input, parameters, headers=headers, validate=validate)

    async def wanx2_1_i2v_turbo(
        self, input: Wanx21I2vTurboInput, parameters: Wanx21I2vTurboParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx2.1-i2v-turbo task (video-generation/video-synthesis; result: video_url)."""
        return await self._client.create('wanx2.1-i2v-turbo', input, parameters, headers=headers, validate=validate)

    async def wan2_2_kf2v_flash(
        self, input: Wan22Kf2vFlashInput, parameters: Wan22Kf2vFlashParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.2-kf2v-flash task (image2video/video-synthesis; result: video_url)."""
        return await self._client.create('wan2.2-kf2v-flash', input, parameters, headers=headers, validate=validate)

    async def wanx2_1_kf2v_plus(
        self, input: Wanx21Kf2vPlusInput, parameters: Wanx21Kf2vPlusParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wanx2.1-kf2v-plus task (image2video/video-synthesis; result: video_url)."""
        return await self._client.create('wanx2.1-kf2v-plus', input, parameters, headers=headers, validate=validate)

    async def wan2_1_kf2v_plus(
        self, input: Wanx21Kf2vPlusInput, parameters: Wanx21Kf2vPlusParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.1-kf2v-plus task (image2video/video-synthesis; result: video_url)."""
        return await self._client.create('wan2.1-kf2v-plus', input, parameters, headers=headers, validate=validate)

    async def wan2_6_r2v_flash(
        self, input: Wan26R2vFlashInput, parameters: Wan26R2vFlashParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.6-r2v-flash task (video-generation/video-synthesis; result: video_url)."""
        return await self._client.create('wan2.6-r2v-flash', input, parameters, headers=headers, validate=validate)

    async def wan2_6_r2v(
        self, input: Wan26R2vInput, parameters: Wan26R2vParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.6-r2v task (video-generation/video-synthesis; result: video_url)."""
        return await self._client.create('wan2.6-r2v', input, parameters, headers=headers, validate=validate)

    async def wan2_7_t2v(
        self, input: Wan27T2vInput, parameters: Wan27T2vParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.7-t2v task (video-generation/video-synthesis; result: video_url)."""
        return await self._client.create('wan2.7-t2v', input, parameters, headers=headers, validate=validate)

    async def wan2_7_i2v(
        self, input: Wan27I2vInput, parameters: Wan27I2vParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.7-i2v task (video-generation/video-synthesis; result: video_url)."""
        return await self._client.create('wan2.7-i2v', input, parameters, headers=headers, validate=validate)

    async def wan2_7_r2v(
        self, input: Wan27R2vInput, parameters: Wan27R2vParameters | None = None, *,
        headers: Mapping[str, str] | None = None, validate: bool | None = None,
    ) -> CreateResult:
        """Create a wan2.7-r2v task (video-generation/video-synthesis; result: video_url)."""
        return await self._client.create('wan2.7-r2v', input, parameters, headers=headers, validate=validate)
