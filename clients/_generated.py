"""Generated from openapi/dashscope.yaml by `python -m clients.codegen`. Do not edit by hand."""

# ruff: noqa: E501, UP013

from __future__ import annotations

from typing import Any, Literal, Required, TypedDict

from .catalog import ModelInfo

TaskStatus = Literal['PENDING', 'PRE-PROCESSING', 'RUNNING', 'POST-PROCESSING', 'SUCCEEDED', 'FAILED', 'CANCELED', 'UNKNOWN']
TASK_STATUSES: tuple[TaskStatus, ...] = ('PENDING', 'PRE-PROCESSING', 'RUNNING', 'POST-PROCESSING', 'SUCCEEDED', 'FAILED', 'CANCELED', 'UNKNOWN')

MODELS: dict[str, ModelInfo] = {
    'wan2.5-i2i-preview': ModelInfo('wan2.5-i2i-preview', 'Wan25I2iPreviewRequest', 'image2image/image-synthesis', 'async', 'submit', 'Wan25I2iPreviewResult', 'image', 'results[].url'),
    'wanx2.1-imageedit': ModelInfo('wanx2.1-imageedit', 'Wanx21ImageeditRequest', 'image2image/image-synthesis', 'async', 'submit', 'Wanx21ImageeditResult', 'image', 'results[].url'),
    'wanx2.1-t2i-turbo': ModelInfo('wanx2.1-t2i-turbo', 'WanT2iV2Request', 'text2image/image-synthesis', 'async', 'submit', 'WanT2iResult', 'image', 'results[].url'),
    'wanx2.1-t2i-plus': ModelInfo('wanx2.1-t2i-plus', 'WanT2iV2Request', 'text2image/image-synthesis', 'async', 'submit', 'WanT2iResult', 'image', 'results[].url'),
    'wanx2.0-t2i-turbo': ModelInfo('wanx2.0-t2i-turbo', 'WanT2iV2Request', 'text2image/image-synthesis', 'async', 'submit', 'WanT2iResult', 'image', 'results[].url'),
    'wan2.2-t2i-flash': ModelInfo('wan2.2-t2i-flash', 'WanT2iV2Request', 'text2image/image-synthesis', 'async', 'submit', 'WanT2iResult', 'image', 'results[].url'),
    'wan2.2-t2i-plus': ModelInfo('wan2.2-t2i-plus', 'WanT2iV2Request', 'text2image/image-synthesis', 'async', 'submit', 'WanT2iResult', 'image', 'results[].url'),
    'wanx-v1': ModelInfo('wanx-v1', 'WanxV1Request', 'text2image/image-synthesis', 'async', 'submit', 'WanxV1Result', 'image', 'results[].url'),
    'wan2.5-t2i-preview': ModelInfo('wan2.5-t2i-preview', 'Wan25T2iPreviewRequest', 'text2image/image-synthesis', 'async', 'submit', 'WanT2iResult', 'image', 'results[].url'),
    'qwen-image-plus': ModelInfo('qwen-image-plus', 'QwenImagePlusRequest', 'text2image/image-synthesis', 'async', 'submit', 'WanT2iResult', 'image', 'results[].url'),
    'wan2.6-t2i': ModelInfo('wan2.6-t2i', 'Wan26T2iRequest', 'image-generation/generation', 'async', 'submit', 'WanImageGenerationResult', 'image', 'choices[].message.content[].image'),
    'wan2.6-image': ModelInfo('wan2.6-image', 'Wan26ImageRequest', 'image-generation/generation', 'async', 'submit', 'WanImageGenerationResult', 'image', 'choices[].message.content[].image'),
    'wan2.7-image': ModelInfo('wan2.7-image', 'Wan27ImageRequest', 'image-generation/generation', 'async', 'submit', 'WanImageGenerationResult', 'image', 'choices[].message.content[].image'),
    'wan2.7-image-pro': ModelInfo('wan2.7-image-pro', 'Wan27ImageRequest', 'image-generation/generation', 'async', 'submit', 'WanImageGenerationResult', 'image', 'choices[].message.content[].image'),
    'wanx-style-repaint-v1': ModelInfo('wanx-style-repaint-v1', 'WanxStyleRepaintV1Request', 'image-generation/generation', 'async', 'submit', 'WanxStyleRepaintV1Result', 'image', 'results[].url'),
    'wanx-background-generation-v2': ModelInfo('wanx-background-generation-v2', 'WanxBackgroundGenerationV2Request', 'background-generation/generation', 'async', 'submit', 'WanxBackgroundGenerationV2Result', 'image', 'results[].url'),
    'image-out-painting': ModelInfo('image-out-painting', 'ImageOutPaintingRequest', 'image2image/out-painting', 'async', 'submit', 'ImageOutPaintingResult', 'image', 'output_image_url'),
    'wanx-virtualmodel': ModelInfo('wanx-virtualmodel', 'WanxVirtualmodelRequest', 'virtualmodel/generation', 'async', 'submit', 'VirtualmodelResult', 'image', 'results[].url'),
    'virtualmodel-v2': ModelInfo('virtualmodel-v2', 'Virtualmodelv2Request', 'virtualmodel/generation', 'async', 'submit', 'VirtualmodelResult', 'image', 'results[].url'),
    'shoemodel-v1': ModelInfo('shoemodel-v1', 'Shoemodelv1Request', 'virtualmodel/generation', 'async', 'submit', 'Shoemodelv1Result', 'image', 'results[].url'),
    'wanx-poster-generation-v1': ModelInfo('wanx-poster-generation-v1', 'WanxPosterGenerationV1Request', 'text2image/image-synthesis', 'async', 'submit', 'WanxPosterGenerationV1Result', 'image', 'render_urls[]'),
    'image-instance-segmentation': ModelInfo('image-instance-segmentation', 'ImageInstanceSegmentationRequest', 'image2image/image-synthesis', 'async', 'submit', 'ImageInstanceSegmentationResult', 'image', 'output_image_url'),
    'image-erase-completion': ModelInfo('image-erase-completion', 'ImageEraseCompletionRequest', 'image2image/image-synthesis', 'async', 'submit', 'ImageEraseCompletionResult', 'image', 'output_image_url'),
    'wanx-x-painting': ModelInfo('wanx-x-painting', 'WanxXPaintingRequest', 'image2image/image-synthesis', 'async', 'submit', 'WanxXPaintingResult', 'image', 'results[].url'),
    'wan2.2-s2v-detect': ModelInfo('wan2.2-s2v-detect', 'Wan22S2vDetectRequest', 'image2video/face-detect', 'sync', 'submit', 'Wan22S2vDetectResult', 'json', 'output'),
    'wan2.2-s2v': ModelInfo('wan2.2-s2v', 'Wan22S2vRequest', 'image2video/video-synthesis', 'async', 'deferred', 'Wan22S2vResult', 'video', 'results.video_url'),
    'wan2.2-animate-move': ModelInfo('wan2.2-animate-move', 'Wan22AnimateMoveRequest', 'image2video/video-synthesis', 'async', 'deferred', 'Wan22AnimateResult', 'video', 'results.video_url'),
    'wan2.2-animate-mix': ModelInfo('wan2.2-animate-mix', 'Wan22AnimateMixRequest', 'image2video/video-synthesis', 'async', 'deferred', 'Wan22AnimateResult', 'video', 'results.video_url'),
    'animate-anyone-detect-gen2': ModelInfo('animate-anyone-detect-gen2', 'AnimateAnyoneDetectGen2Request', 'image2video/aa-detect', 'sync', 'submit', 'AnimateAnyoneDetectGen2Result', 'json', 'output'),
    'animate-anyone-template-gen2': ModelInfo('animate-anyone-template-gen2', 'AnimateAnyoneTemplateGen2Request', 'image2video/aa-template-generation', 'async', 'submit', 'AnimateAnyoneTemplateGen2Result', 'template', 'template_id'),
    'animate-anyone-gen2': ModelInfo('animate-anyone-gen2', 'AnimateAnyoneGen2Request', 'image2video/video-synthesis', 'async', 'submit', 'AnimateAnyoneGen2Result', 'video', 'video_url'),
    'emo-detect-v1': ModelInfo('emo-detect-v1', 'EmoDetectV1Request', 'image2video/face-detect', 'sync', 'submit', 'EmoDetectV1Result', 'json', 'output'),
    'emo-v1': ModelInfo('emo-v1', 'EmoV1Request', 'image2video/video-synthesis', 'async', 'submit', 'EmoV1Result', 'video', 'results.video_url'),
    'liveportrait-detect': ModelInfo('liveportrait-detect', 'LiveportraitDetectRequest', 'image2video/face-detect', 'sync', 'submit', 'LiveportraitDetectResult', 'json', 'output'),
    'liveportrait': ModelInfo('liveportrait', 'LiveportraitRequest', 'image2video/video-synthesis', 'async', 'submit', 'LiveportraitResult', 'video', 'results.video_url'),
    'videoretalk': ModelInfo('videoretalk', 'VideoretalkRequest', 'image2video/video-synthesis', 'async', 'submit', 'VideoretalkResult', 'video', 'video_url'),
    'emoji-detect-v1': ModelInfo('emoji-detect-v1', 'EmojiDetectV1Request', 'image2video/face-detect', 'sync', 'submit', 'EmojiDetectV1Result', 'json', 'output'),
    'emoji-v1': ModelInfo('emoji-v1', 'EmojiV1Request', 'image2video/video-synthesis', 'async', 'submit', 'EmojiV1Result', 'video', 'video_url'),
    'video-style-transform': ModelInfo('video-style-transform', 'VideoStyleTransformRequest', 'video-generation/video-synthesis', 'async', 'submit', 'VideoStyleTransformResult', 'video', 'output_video_url'),
    'wan2.7-videoedit': ModelInfo('wan2.7-videoedit', 'Wan27VideoeditRequest', 'video-generation/video-synthesis', 'async', 'deferred', 'Wan27VideoeditResult', 'video', 'video_url'),
    'wan2.1-vace-plus': ModelInfo('wan2.1-vace-plus', 'Vace21Request', 'video-generation/video-synthesis', 'async', 'deferred', 'Vace21Result', 'video', 'video_url'),
    'wanx2.1-vace-plus': ModelInfo('wanx2.1-vace-plus', 'Vace21Request', 'video-generation/video-synthesis', 'async', 'deferred', 'Vace21Result', 'video', 'video_url'),
    'wan2.6-t2v': ModelInfo('wan2.6-t2v', 'Wan26T2vRequest', 'video-generation/video-synthesis', 'async', 'deferred', 'Wan26T2vResult', 'video', 'video_url'),
    'wan2.6-t2v-us': ModelInfo('wan2.6-t2v-us', 'Wan26T2vUsRequest', 'video-generation/video-synthesis', 'async', 'deferred', 'Wan26T2vResult', 'video', 'video_url'),
    'wan2.5-t2v-preview': ModelInfo('wan2.5-t2v-preview', 'Wan25T2vPreviewRequest', 'video-generation/video-synthesis', 'async', 'deferred', 'WanT2vLegacyResult', 'video', 'video_url'),
    'wan2.2-t2v-plus': ModelInfo('wan2.2-t2v-plus', 'Wan22T2vPlusRequest', 'video-generation/video-synthesis', 'async', 'deferred', 'WanT2vLegacyResult', 'video', 'video_url'),
    'wanx2.1-t2v-turbo': ModelInfo('wanx2.1-t2v-turbo', 'Wanx21T2vTurboRequest', 'video-generation/video-synthesis', 'async', 'deferred', 'WanT2vLegacyResult', 'video', 'video_url'),
    'wanx2.1-t2v-plus': ModelInfo('wanx2.1-t2v-plus', 'Wanx21T2vPlusRequest', 'video-generation/video-synthesis', 'async', 'deferred', 'WanT2vLegacyResult', 'video', 'video_url'),
    'wan2.6-i2v-flash': ModelInfo('wan2.6-i2v-flash', 'Wan26I2vFlashRequest', 'video-generation/video-synthesis', 'async', 'deferred', 'Wan26I2vResult', 'video', 'video_url'),
    'wan2.6-i2v': ModelInfo('wan2.6-i2v', 'Wan26I2vRequest', 'video-generation/video-synthesis', 'async', 'deferred', 'Wan26I2vResult', 'video', 'video_url'),
    'wan2.6-i2v-us': ModelInfo('wan2.6-i2v-us', 'Wan26I2vUsRequest', 'video-generation/video-synthesis', 'async', 'deferred', 'Wan26I2vResult', 'video', 'video_url'),
    'wan2.5-i2v-preview': ModelInfo('wan2.5-i2v-preview', 'Wan25I2vPreviewRequest', 'video-generation/video-synthesis', 'async', 'deferred', 'Wan22VideoResult', 'video', 'video_url'),
    'wan2.2-i2v-flash': ModelInfo('wan2.2-i2v-flash', 'Wan22I2vFlashRequest', 'video-generation/video-synthesis', 'async', 'deferred', 'Wan22VideoResult', 'video', 'video_url'),
    'wan2.2-i2v-plus': ModelInfo('wan2.2-i2v-plus', 'Wan22I2vPlusRequest', 'video-generation/video-synthesis', 'async', 'deferred', 'Wan22VideoResult', 'video', 'video_url'),
    'wanx2.1-i2v-plus': ModelInfo('wanx2.1-i2v-plus', 'Wanx21I2vPlusRequest', 'video-generation/video-synthesis', 'async', 'deferred', 'Wanx21VideoResult', 'video', 'video_url'),
    'wanx2.1-i2v-turbo': ModelInfo('wanx2.1-i2v-turbo', 'Wanx21I2vTurboRequest', 'video-generation/video-synthesis', 'async', 'deferred', 'Wanx21VideoResult', 'video', 'video_url'),
    'wan2.2-kf2v-flash': ModelInfo('wan2.2-kf2v-flash', 'Wan22Kf2vFlashRequest', 'image2video/video-synthesis', 'async', 'deferred', 'Wan22VideoResult', 'video', 'video_url'),
    'wanx2.1-kf2v-plus': ModelInfo('wanx2.1-kf2v-plus', 'Wanx21Kf2vPlusRequest', 'image2video/video-synthesis', 'async', 'deferred', 'Wanx21VideoResult', 'video', 'video_url'),
    'wan2.1-kf2v-plus': ModelInfo('wan2.1-kf2v-plus', 'Wanx21Kf2vPlusRequest', 'image2video/video-synthesis', 'async', 'deferred', 'Wanx21VideoResult', 'video', 'video_url'),
    'wan2.6-r2v-flash': ModelInfo('wan2.6-r2v-flash', 'Wan26R2vFlashRequest', 'video-generation/video-synthesis', 'async', 'deferred', 'WanR2v26Result', 'video', 'video_url'),
    'wan2.6-r2v': ModelInfo('wan2.6-r2v', 'Wan26R2vRequest', 'video-generation/video-synthesis', 'async', 'deferred', 'WanR2v26Result', 'video', 'video_url'),
    'wan2.7-t2v': ModelInfo('wan2.7-t2v', 'Wan27T2vRequest', 'video-generation/video-synthesis', 'async', 'deferred', 'Wan27VideoResult', 'video', 'video_url'),
    'wan2.7-i2v': ModelInfo('wan2.7-i2v', 'Wan27I2vRequest', 'video-generation/video-synthesis', 'async', 'deferred', 'Wan27VideoResult', 'video', 'video_url'),
    'wan2.7-r2v': ModelInfo('wan2.7-r2v', 'Wan27R2vRequest', 'video-generation/video-synthesis', 'async', 'deferred', 'Wan27VideoResult', 'video', 'video_url'),
}

# every distinct x-dashscope-model.output.field, in spec order
OUTPUT_FIELDS: tuple[str, ...] = (
    'results[].url',
    'choices[].message.content[].image',
    'output_image_url',
    'render_urls[]',
    'output',
    'results.video_url',
    'template_id',
    'video_url',
    'output_video_url',
)

# x-dashscope-errors: code -> HTTP status
ERROR_STATUS: dict[str, int] = {
    'InvalidApiKey': 401,
    'AccessDenied': 403,
    'AccessDenied.Unpurchased': 403,
    'Model.AccessDenied': 403,
    'AllocationQuota.FreeTierOnly': 403,
    'Arrearage': 400,
    'CommodityNotPurchased': 429,
    'PrepaidBillOverdue': 429,
    'PostpaidBillOverdue': 429,
    'InvalidParameter': 400,
    'InvalidParameter.DataInspection': 400,
    'InvalidParameter.FileDownload': 400,
    'InvalidParameter.UnsupportedFileFormat': 400,
    'DataInspectionFailed': 400,
    'IPInfringementSuspect': 400,
    'Throttling': 429,
    'Throttling.RateQuota': 429,
    'Throttling.BurstRate': 429,
    'Throttling.AllocationQuota': 429,
    'UnsupportedOperation': 400,
    'NotFound': 404,
    'ModelNotFound': 404,
    'InvalidURL': 400,
    'InvalidURL.ConnectionRefused': 400,
    'InvalidURL.Timeout': 400,
    'InvalidFile.Size': 400,
    'InvalidFile.Format': 400,
    'InvalidFile.Resolution': 400,
    'InvalidFile.FPS': 400,
    'InvalidFile.Duration': 400,
    'InvalidFile.ImageSize': 400,
    'InvalidFile.AspectRatio': 400,
    'InvalidFile.Openerror': 400,
    'InvalidFile.Content': 400,
    'InvalidFile.FaceNotMatch': 400,
    'InvalidFile.NoHuman': 400,
    'InvalidFile.MultiHuman': 400,
    'InvalidFile.BodyProportion': 400,
    'InvalidFile.FacePose': 400,
    'InvalidFile.Value': 400,
    'InvalidFile.FrontBody': 400,
    'InvalidFile.FullFace': 400,
    'InvalidFile.FullBody': 400,
    'InvalidFile.BodyPose': 400,
    'InvalidFile.Template.Content': 400,
    'InvalidFile.DownloadFailed': 400,
    'InvalidPerson': 400,
    'InvalidImage.ImageSize': 400,
    'InvalidImage.NoHumanFace': 400,
    'InvalidImage.FileFormat': 400,
    'InvalidImageResolution': 400,
    'InvalidImageFormat': 400,
    'BadRequest.EmptyInput': 400,
    'BadRequest.EmptyParameters': 400,
    'BadRequest.EmptyModel': 400,
    'BadRequest.IllegalInput': 400,
    'BadRequest.InputDownloadFailed': 400,
    'BadRequest.UnsupportedFileFormat': 400,
    'BadRequest.TooLarge': 400,
    'InternalError': 500,
    'InternalError.Algo': 500,
    'InternalError.Timeout': 500,
    'InternalError.Upload': 500,
    'InternalError.FileUpload': 500,
    'SystemError': 500,
    'ModelServiceFailed': 500,
    'RequestTimeOut': 500,
    'ModelServingError': 503,
    'ModelUnavailable': 503,
}


Wan25I2iPreviewInput = TypedDict(
    'Wan25I2iPreviewInput',
    {
        'prompt': Required[str],
        'images': Required[list[str]],
        'negative_prompt': str,
    },
    total=False,
)

Wan25I2iPreviewParameters = TypedDict(
    'Wan25I2iPreviewParameters',
    {
        'size': str,
        'n': int,
        'prompt_extend': bool,
        'watermark': bool,
        'seed': int,
    },
    total=False,
)

Wanx21ImageeditInput = TypedDict(
    'Wanx21ImageeditInput',
    {
        'function': Required[Literal['stylization_all', 'stylization_local', 'description_edit', 'description_edit_with_mask', 'remove_watermark', 'expand', 'super_resolution', 'colorization', 'doodle', 'control_cartoon_feature']],
        'prompt': Required[str],
        'base_image_url': Required[str],
        'mask_image_url': str,
    },
    total=False,
)

Wanx21ImageeditParameters = TypedDict(
    'Wanx21ImageeditParameters',
    {
        'n': int,
        'seed': int,
        'watermark': bool,
        'strength': float,
        'top_scale': float,
        'bottom_scale': float,
        'left_scale': float,
        'right_scale': float,
        'upscale_factor': int,
        'is_sketch': bool,
    },
    total=False,
)

WanT2iV2Input = TypedDict(
    'WanT2iV2Input',
    {
        'prompt': Required[str],
        'negative_prompt': str,
    },
    total=False,
)

WanT2iV2Parameters = TypedDict(
    'WanT2iV2Parameters',
    {
        'size': str,
        'n': int,
        'seed': int,
        'prompt_extend': bool,
        'watermark': bool,
    },
    total=False,
)

WanxV1Input = TypedDict(
    'WanxV1Input',
    {
        'prompt': Required[str],
        'negative_prompt': str,
        'ref_img': str,
    },
    total=False,
)

WanxV1Parameters = TypedDict(
    'WanxV1Parameters',
    {
        'style': Literal['<auto>', '<photography>', '<portrait>', '<3d cartoon>', '<anime>', '<oil painting>', '<watercolor>', '<sketch>', '<chinese painting>', '<flat illustration>'],
        'size': Literal['1024*1024', '720*1280', '1280*720', '768*1152'],
        'n': int,
        'seed': int,
        'ref_strength': float,
        'ref_mode': Literal['repaint', 'refonly'],
    },
    total=False,
)

Wan25T2iPreviewInput = TypedDict(
    'Wan25T2iPreviewInput',
    {
        'prompt': Required[str],
        'negative_prompt': str,
    },
    total=False,
)

Wan25T2iPreviewParameters = TypedDict(
    'Wan25T2iPreviewParameters',
    {
        'size': str,
        'n': int,
        'seed': int,
        'prompt_extend': bool,
        'watermark': bool,
    },
    total=False,
)

QwenImagePlusInput = TypedDict(
    'QwenImagePlusInput',
    {
        'prompt': Required[str],
        'negative_prompt': str,
    },
    total=False,
)

QwenImagePlusParameters = TypedDict(
    'QwenImagePlusParameters',
    {
        'size': Literal['1664*928', '928*1664', '1328*1328', '1472*1104', '1104*1472'],
        'n': int,
        'seed': int,
        'prompt_extend': bool,
        'watermark': bool,
    },
    total=False,
)

Wan26T2iInputMessagesItemContentItem = TypedDict(
    'Wan26T2iInputMessagesItemContentItem',
    {
        'text': str,
        'image': str,
    },
    total=False,
)

Wan26T2iInputMessagesItem = TypedDict(
    'Wan26T2iInputMessagesItem',
    {
        'role': Required[Literal['user']],
        'content': Required[list[Wan26T2iInputMessagesItemContentItem]],
    },
    total=False,
)

Wan26T2iInput = TypedDict(
    'Wan26T2iInput',
    {
        'messages': Required[list[Wan26T2iInputMessagesItem]],
    },
    total=False,
)

Wan26T2iParameters = TypedDict(
    'Wan26T2iParameters',
    {
        'negative_prompt': str,
        'size': str,
        'n': int,
        'seed': int,
        'prompt_extend': bool,
        'watermark': bool,
    },
    total=False,
)

Wan26ImageInputMessagesItemContentItem = TypedDict(
    'Wan26ImageInputMessagesItemContentItem',
    {
        'text': str,
        'image': str,
    },
    total=False,
)

Wan26ImageInputMessagesItem = TypedDict(
    'Wan26ImageInputMessagesItem',
    {
        'role': Required[Literal['user']],
        'content': Required[list[Wan26ImageInputMessagesItemContentItem]],
    },
    total=False,
)

Wan26ImageInput = TypedDict(
    'Wan26ImageInput',
    {
        'messages': Required[list[Wan26ImageInputMessagesItem]],
    },
    total=False,
)

Wan26ImageParameters = TypedDict(
    'Wan26ImageParameters',
    {
        'negative_prompt': str,
        'size': str,
        'n': int,
        'seed': int,
        'prompt_extend': bool,
        'watermark': bool,
    },
    total=False,
)

Wan27ImageInputMessagesItemContentItem = TypedDict(
    'Wan27ImageInputMessagesItemContentItem',
    {
        'text': str,
        'image': str,
    },
    total=False,
)

Wan27ImageInputMessagesItem = TypedDict(
    'Wan27ImageInputMessagesItem',
    {
        'role': Required[Literal['user']],
        'content': Required[list[Wan27ImageInputMessagesItemContentItem]],
    },
    total=False,
)

Wan27ImageInput = TypedDict(
    'Wan27ImageInput',
    {
        'messages': Required[list[Wan27ImageInputMessagesItem]],
    },
    total=False,
)

Wan27ImageParameters = TypedDict(
    'Wan27ImageParameters',
    {
        'negative_prompt': str,
        'size': str,
        'n': int,
        'seed': int,
        'prompt_extend': bool,
        'watermark': bool,
        'enable_sequential': bool,
        'thinking_mode': bool,
        'bbox_list': list[Any],
        'color_palette': Any,
    },
    total=False,
)

WanxStyleRepaintV1Input = TypedDict(
    'WanxStyleRepaintV1Input',
    {
        'image_url': Required[str],
        'style_index': Required[Literal[-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 14, 15, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40]],
        'style_ref_url': str,
    },
    total=False,
)

WanxBackgroundGenerationV2InputReferenceEdge = TypedDict(
    'WanxBackgroundGenerationV2InputReferenceEdge',
    {
        'foreground_edge': list[str],
        'background_edge': list[str],
        'foreground_edge_prompt': list[str],
        'background_edge_prompt': list[str],
    },
    total=False,
)

WanxBackgroundGenerationV2Input = TypedDict(
    'WanxBackgroundGenerationV2Input',
    {
        'base_image_url': Required[str],
        'ref_prompt': str,
        'ref_image_url': str,
        'neg_ref_prompt': str,
        'reference_edge': WanxBackgroundGenerationV2InputReferenceEdge,
        'title': str,
        'sub_title': str,
    },
    total=False,
)

WanxBackgroundGenerationV2Parameters = TypedDict(
    'WanxBackgroundGenerationV2Parameters',
    {
        'n': int,
        'model_version': Literal['v2', 'v3'],
        'noise_level': int,
        'ref_prompt_weight': float,
        'scene_type': str,
    },
    total=False,
)

ImageOutPaintingInput = TypedDict(
    'ImageOutPaintingInput',
    {
        'image_url': Required[str],
    },
    total=False,
)

ImageOutPaintingParameters = TypedDict(
    'ImageOutPaintingParameters',
    {
        'angle': int,
        'output_ratio': Literal['', '1:1', '3:4', '4:3', '9:16', '16:9'],
        'x_scale': float,
        'y_scale': float,
        'top_offset': int,
        'bottom_offset': int,
        'left_offset': int,
        'right_offset': int,
        'best_quality': bool,
        'limit_image_size': bool,
        'add_watermark': bool,
    },
    total=False,
)

WanxVirtualmodelInput = TypedDict(
    'WanxVirtualmodelInput',
    {
        'base_image_url': Required[str],
        'mask_image_url': Required[str],
        'prompt': Required[str],
        'face_prompt': Required[str],
        'background_image_url': str,
        'predefined_face_id': Literal['girl1', 'girl2', 'girl3', 'boy1', 'boy2', 'boy3'],
        'face_image_url': str,
    },
    total=False,
)

WanxVirtualmodelParameters = TypedDict(
    'WanxVirtualmodelParameters',
    {
        'short_side_size': Required[Literal['512', '1024']],
        'n': int,
    },
    total=False,
)

Virtualmodelv2Input = TypedDict(
    'Virtualmodelv2Input',
    {
        'base_image_url': Required[str],
        'mask_image_url': Required[str],
        'prompt': Required[str],
        'face_prompt': Required[str],
        'background_image_url': str,
        'face_image_url': str,
        'bgstyle_scale': float,
        'realPerson': bool,
        'style': str,
        'seed': int,
        'aspect_ratio': Literal['2:1', '16:9', '4:3', '1:1', '3:4', '9:16', '1:2'],
    },
    total=False,
)

Virtualmodelv2Parameters = TypedDict(
    'Virtualmodelv2Parameters',
    {
        'short_side_size': Required[Literal['1024', '2048']],
        'n': int,
    },
    total=False,
)

Shoemodelv1Input = TypedDict(
    'Shoemodelv1Input',
    {
        'template_image_url': Required[str],
        'shoe_image_url': Required[list[str]],
        'scale': float,
    },
    total=False,
)

Shoemodelv1Parameters = TypedDict(
    'Shoemodelv1Parameters',
    {
        'n': int,
    },
    total=False,
)

WanxPosterGenerationV1Input = TypedDict(
    'WanxPosterGenerationV1Input',
    {
        'title': Required[str],
        'sub_title': str,
        'body_text': str,
        'prompt_text_zh': str,
        'prompt_text_en': str,
        'wh_ratios': Literal['横版', '竖版'],
        'lora_name': Literal['', '2D插画1', '2D插画2', '浩瀚星云', '浓郁色彩', '光线粒子', '透明玻璃', '剪纸工艺', '折纸工艺', '中国水墨', '中国刺绣', '真实场景', '2D卡通', '儿童水彩', '赛博背景', '浅蓝抽象', '深蓝抽象', '抽象点线', '童话油画'],
        'lora_weight': float,
        'ctrl_ratio': float,
        'ctrl_step': float,
        'generate_mode': Required[Literal['generate', 'sr', 'hrf']],
        'generate_num': int,
        'auxiliary_parameters': str,
        'creative_title_layout': bool,
    },
    total=False,
)

ImageInstanceSegmentationInput = TypedDict(
    'ImageInstanceSegmentationInput',
    {
        'image_url': Required[str],
    },
    total=False,
)

ImageEraseCompletionInput = TypedDict(
    'ImageEraseCompletionInput',
    {
        'image_url': Required[str],
        'mask_url': Required[str],
        'foreground_url': str,
    },
    total=False,
)

ImageEraseCompletionParameters = TypedDict(
    'ImageEraseCompletionParameters',
    {
        'dilate_flag': bool,
        'fast_mode': bool,
        'add_watermark': bool,
    },
    total=False,
)

WanxXPaintingInput = TypedDict(
    'WanxXPaintingInput',
    {
        'prompt': Required[str],
        'base_image_url': Required[str],
        'mask_image_url': Required[str],
    },
    total=False,
)

WanxXPaintingParameters = TypedDict(
    'WanxXPaintingParameters',
    {
        'size': Literal['1024*1024', '720*1280', '1280*720'],
        'n': int,
        'style': str,
        'mask_color': list[list[Any]],
    },
    total=False,
)

Wan22S2vDetectInput = TypedDict(
    'Wan22S2vDetectInput',
    {
        'image_url': Required[str],
    },
    total=False,
)

Wan22S2vInput = TypedDict(
    'Wan22S2vInput',
    {
        'image_url': Required[str],
        'audio_url': Required[str],
    },
    total=False,
)

Wan22S2vParameters = TypedDict(
    'Wan22S2vParameters',
    {
        'resolution': Literal['480P', '720P'],
        'style': str,
    },
    total=False,
)

Wan22AnimateMoveInput = TypedDict(
    'Wan22AnimateMoveInput',
    {
        'image_url': Required[str],
        'video_url': Required[str],
        'watermark': bool,
    },
    total=False,
)

Wan22AnimateMoveParameters = TypedDict(
    'Wan22AnimateMoveParameters',
    {
        'check_image': bool,
        'mode': Required[Literal['wan-std', 'wan-pro']],
    },
    total=False,
)

Wan22AnimateMixInput = TypedDict(
    'Wan22AnimateMixInput',
    {
        'image_url': Required[str],
        'video_url': Required[str],
        'watermark': bool,
    },
    total=False,
)

Wan22AnimateMixParameters = TypedDict(
    'Wan22AnimateMixParameters',
    {
        'check_image': bool,
        'mode': Required[Literal['wan-std', 'wan-pro']],
    },
    total=False,
)

AnimateAnyoneDetectGen2Input = TypedDict(
    'AnimateAnyoneDetectGen2Input',
    {
        'image_url': Required[str],
    },
    total=False,
)

AnimateAnyoneTemplateGen2Input = TypedDict(
    'AnimateAnyoneTemplateGen2Input',
    {
        'video_url': Required[str],
    },
    total=False,
)

AnimateAnyoneGen2Input = TypedDict(
    'AnimateAnyoneGen2Input',
    {
        'image_url': Required[str],
        'template_id': Required[str],
    },
    total=False,
)

AnimateAnyoneGen2Parameters = TypedDict(
    'AnimateAnyoneGen2Parameters',
    {
        'use_ref_img_bg': bool,
        'video_ratio': Literal['9:16', '3:4'],
    },
    total=False,
)

EmoDetectV1Input = TypedDict(
    'EmoDetectV1Input',
    {
        'image_url': Required[str],
    },
    total=False,
)

EmoDetectV1Parameters = TypedDict(
    'EmoDetectV1Parameters',
    {
        'ratio': Literal['1:1', '3:4'],
    },
    total=False,
)

EmoV1Input = TypedDict(
    'EmoV1Input',
    {
        'image_url': Required[str],
        'audio_url': Required[str],
        'face_bbox': Required[list[float]],
        'ext_bbox': Required[list[float]],
    },
    total=False,
)

EmoV1Parameters = TypedDict(
    'EmoV1Parameters',
    {
        'style_level': Literal['normal', 'calm', 'active'],
    },
    total=False,
)

LiveportraitDetectInput = TypedDict(
    'LiveportraitDetectInput',
    {
        'image_url': Required[str],
    },
    total=False,
)

LiveportraitInput = TypedDict(
    'LiveportraitInput',
    {
        'image_url': Required[str],
        'audio_url': Required[str],
    },
    total=False,
)

LiveportraitParameters = TypedDict(
    'LiveportraitParameters',
    {
        'template_id': Literal['normal', 'calm', 'active'],
        'eye_move_freq': float,
        'video_fps': int,
        'mouth_move_strength': float,
        'paste_back': bool,
        'head_move_strength': float,
    },
    total=False,
)

VideoretalkInput = TypedDict(
    'VideoretalkInput',
    {
        'video_url': Required[str],
        'audio_url': Required[str],
        'ref_image_url': str,
    },
    total=False,
)

VideoretalkParameters = TypedDict(
    'VideoretalkParameters',
    {
        'video_extension': bool,
    },
    total=False,
)

EmojiDetectV1Input = TypedDict(
    'EmojiDetectV1Input',
    {
        'image_url': Required[str],
    },
    total=False,
)

EmojiDetectV1Parameters = TypedDict(
    'EmojiDetectV1Parameters',
    {
        'ratio': Required[Literal['1:1']],
    },
    total=False,
)

EmojiV1Input = TypedDict(
    'EmojiV1Input',
    {
        'image_url': Required[str],
        'face_bbox': Required[list[int]],
        'ext_bbox': Required[list[int]],
        'driven_id': Required[Literal['mengwa_kaixin', 'dagong_zhuakuang', 'mengwa_dengyan', 'dagong_wunai', 'mengwa_gandong', 'dagong_weixiao', 'mengwa_renzhen_1', 'dagong_ganji', 'mengwa_jidong', 'jingdian_tiaopi', 'mengwa_kun_1', 'jingdian_deyi_1', 'mengwa_jiaoxie', 'jingdian_qidai', 'dagong_kaixin', 'jingdian_landuo_1', 'dagong_yangwang', 'jingdian_xianqi', 'dagong_kunhuo', 'jingdian_lei']],
    },
    total=False,
)

VideoStyleTransformInput = TypedDict(
    'VideoStyleTransformInput',
    {
        'video_url': Required[str],
    },
    total=False,
)

VideoStyleTransformParameters = TypedDict(
    'VideoStyleTransformParameters',
    {
        'style': int,
        'video_fps': int,
        'animate_emotion': bool,
        'min_len': Literal[720, 540],
        'use_SR': bool,
    },
    total=False,
)

Wan27VideoeditInputMediaItem = TypedDict(
    'Wan27VideoeditInputMediaItem',
    {
        'type': Required[Literal['video', 'reference_image']],
        'url': Required[str],
    },
    total=False,
)

Wan27VideoeditInput = TypedDict(
    'Wan27VideoeditInput',
    {
        'prompt': str,
        'negative_prompt': str,
        'media': Required[list[Wan27VideoeditInputMediaItem]],
    },
    total=False,
)

Wan27VideoeditParameters = TypedDict(
    'Wan27VideoeditParameters',
    {
        'resolution': Literal['720P', '1080P'],
        'ratio': Literal['16:9', '9:16', '1:1', '4:3', '3:4'],
        'duration': int,
        'audio_setting': Literal['auto', 'origin'],
        'prompt_extend': bool,
        'watermark': bool,
    },
    total=False,
)

Vace21Input = TypedDict(
    'Vace21Input',
    {
        'function': Required[Literal['image_reference', 'video_repainting', 'video_edit', 'video_extension', 'video_outpainting']],
        'prompt': str,
        'ref_images_url': list[str],
        'video_url': str,
        'mask_image_url': str,
        'mask_video_url': str,
        'mask_frame_id': int,
        'first_clip_url': str,
        'last_clip_url': str,
        'first_frame_url': str,
        'last_frame_url': str,
    },
    total=False,
)

Vace21Parameters = TypedDict(
    'Vace21Parameters',
    {
        'prompt_extend': bool,
        'obj_or_bg': list[Literal['obj', 'bg']],
        'size': str,
        'control_condition': Literal['posebodyface', 'posebody', 'depth', 'scribble'],
        'strength': float,
        'mask_type': Literal['tracking', 'fixed'],
        'expand_ratio': float,
        'top_scale': float,
        'bottom_scale': float,
        'left_scale': float,
        'right_scale': float,
    },
    total=False,
)

Wan26T2vInput = TypedDict(
    'Wan26T2vInput',
    {
        'prompt': Required[str],
        'negative_prompt': str,
        'audio_url': str,
    },
    total=False,
)

Wan26T2vParameters = TypedDict(
    'Wan26T2vParameters',
    {
        'size': Literal['1280*720', '720*1280', '960*960', '1088*832', '832*1088', '1920*1080', '1080*1920', '1440*1440', '1632*1248', '1248*1632'],
        'duration': int,
        'prompt_extend': bool,
        'shot_type': Literal['single', 'multi'],
        'watermark': bool,
        'seed': int,
    },
    total=False,
)

Wan26T2vUsInput = TypedDict(
    'Wan26T2vUsInput',
    {
        'prompt': Required[str],
        'negative_prompt': str,
        'audio_url': str,
    },
    total=False,
)

Wan26T2vUsParameters = TypedDict(
    'Wan26T2vUsParameters',
    {
        'size': Literal['1280*720', '720*1280', '960*960', '1088*832', '832*1088', '1920*1080', '1080*1920', '1440*1440', '1632*1248', '1248*1632'],
        'duration': Literal[5, 10],
        'prompt_extend': bool,
        'shot_type': Literal['single', 'multi'],
        'watermark': bool,
        'seed': int,
    },
    total=False,
)

Wan25T2vPreviewInput = TypedDict(
    'Wan25T2vPreviewInput',
    {
        'prompt': Required[str],
        'negative_prompt': str,
        'audio_url': str,
    },
    total=False,
)

Wan25T2vPreviewParameters = TypedDict(
    'Wan25T2vPreviewParameters',
    {
        'size': Literal['832*480', '480*832', '624*624', '1280*720', '720*1280', '960*960', '1088*832', '832*1088', '1920*1080', '1080*1920', '1440*1440', '1632*1248', '1248*1632'],
        'duration': Literal[5, 10],
        'prompt_extend': bool,
        'watermark': bool,
        'seed': int,
    },
    total=False,
)

Wan22T2vPlusInput = TypedDict(
    'Wan22T2vPlusInput',
    {
        'prompt': Required[str],
        'negative_prompt': str,
    },
    total=False,
)

Wan22T2vPlusParameters = TypedDict(
    'Wan22T2vPlusParameters',
    {
        'size': Literal['832*480', '480*832', '624*624', '1920*1080', '1080*1920', '1440*1440', '1632*1248', '1248*1632'],
        'duration': Literal[5],
        'prompt_extend': bool,
        'watermark': bool,
        'seed': int,
    },
    total=False,
)

Wanx21T2vTurboInput = TypedDict(
    'Wanx21T2vTurboInput',
    {
        'prompt': Required[str],
        'negative_prompt': str,
    },
    total=False,
)

Wanx21T2vTurboParameters = TypedDict(
    'Wanx21T2vTurboParameters',
    {
        'size': Literal['832*480', '480*832', '624*624', '1280*720', '720*1280', '960*960', '1088*832', '832*1088'],
        'duration': Literal[5],
        'prompt_extend': bool,
        'watermark': bool,
        'seed': int,
    },
    total=False,
)

Wanx21T2vPlusInput = TypedDict(
    'Wanx21T2vPlusInput',
    {
        'prompt': Required[str],
        'negative_prompt': str,
    },
    total=False,
)

Wanx21T2vPlusParameters = TypedDict(
    'Wanx21T2vPlusParameters',
    {
        'size': Literal['1280*720', '720*1280', '960*960', '1088*832', '832*1088'],
        'duration': Literal[5],
        'prompt_extend': bool,
        'watermark': bool,
        'seed': int,
    },
    total=False,
)

Wan26I2vFlashInput = TypedDict(
    'Wan26I2vFlashInput',
    {
        'prompt': str,
        'negative_prompt': str,
        'img_url': Required[str],
        'audio_url': str,
        'template': Any,
    },
    total=False,
)

Wan26I2vFlashParameters = TypedDict(
    'Wan26I2vFlashParameters',
    {
        'resolution': Literal['720P', '1080P'],
        'duration': int,
        'prompt_extend': bool,
        'shot_type': Literal['single', 'multi'],
        'audio': bool,
        'watermark': bool,
        'seed': int,
    },
    total=False,
)

Wan26I2vInput = TypedDict(
    'Wan26I2vInput',
    {
        'prompt': str,
        'negative_prompt': str,
        'img_url': Required[str],
        'audio_url': str,
        'template': Any,
    },
    total=False,
)

Wan26I2vParameters = TypedDict(
    'Wan26I2vParameters',
    {
        'resolution': Literal['720P', '1080P'],
        'duration': int,
        'prompt_extend': bool,
        'shot_type': Literal['single', 'multi'],
        'watermark': bool,
        'seed': int,
    },
    total=False,
)

Wan26I2vUsInput = TypedDict(
    'Wan26I2vUsInput',
    {
        'prompt': str,
        'negative_prompt': str,
        'img_url': Required[str],
        'audio_url': str,
        'template': Any,
    },
    total=False,
)

Wan26I2vUsParameters = TypedDict(
    'Wan26I2vUsParameters',
    {
        'resolution': Literal['720P', '1080P'],
        'duration': Literal[5, 10, 15],
        'prompt_extend': bool,
        'shot_type': Literal['single', 'multi'],
        'watermark': bool,
        'seed': int,
    },
    total=False,
)

Wan25I2vPreviewInput = TypedDict(
    'Wan25I2vPreviewInput',
    {
        'prompt': str,
        'negative_prompt': str,
        'img_url': Required[str],
        'audio_url': str,
        'template': Any,
    },
    total=False,
)

Wan25I2vPreviewParameters = TypedDict(
    'Wan25I2vPreviewParameters',
    {
        'resolution': Literal['480P', '720P', '1080P'],
        'duration': Literal[5, 10],
        'prompt_extend': bool,
        'watermark': bool,
        'seed': int,
    },
    total=False,
)

Wan22I2vFlashInput = TypedDict(
    'Wan22I2vFlashInput',
    {
        'prompt': str,
        'negative_prompt': str,
        'img_url': Required[str],
        'template': Any,
    },
    total=False,
)

Wan22I2vFlashParameters = TypedDict(
    'Wan22I2vFlashParameters',
    {
        'resolution': Literal['480P', '720P', '1080P'],
        'duration': Literal[5],
        'prompt_extend': bool,
        'watermark': bool,
        'seed': int,
    },
    total=False,
)

Wan22I2vPlusInput = TypedDict(
    'Wan22I2vPlusInput',
    {
        'prompt': str,
        'negative_prompt': str,
        'img_url': Required[str],
        'template': Any,
    },
    total=False,
)

Wan22I2vPlusParameters = TypedDict(
    'Wan22I2vPlusParameters',
    {
        'resolution': Literal['480P', '1080P'],
        'duration': Literal[5],
        'prompt_extend': bool,
        'watermark': bool,
        'seed': int,
    },
    total=False,
)

Wanx21I2vPlusInput = TypedDict(
    'Wanx21I2vPlusInput',
    {
        'prompt': str,
        'negative_prompt': str,
        'img_url': Required[str],
        'template': Literal['squish', 'rotation', 'poke', 'inflate', 'dissolve', 'melt', 'icecream', 'carousel', 'singleheart', 'dance1', 'dance2', 'dance3', 'dance4', 'dance5', 'mermaid', 'graduation', 'dragon', 'money', 'jellyfish', 'pupil', 'flying', 'rose', 'crystalrose', 'hug', 'frenchkiss', 'coupleheart'],
    },
    total=False,
)

Wanx21I2vPlusParameters = TypedDict(
    'Wanx21I2vPlusParameters',
    {
        'resolution': Literal['720P'],
        'duration': Literal[5],
        'prompt_extend': bool,
        'watermark': bool,
        'seed': int,
    },
    total=False,
)

Wanx21I2vTurboInput = TypedDict(
    'Wanx21I2vTurboInput',
    {
        'prompt': str,
        'negative_prompt': str,
        'img_url': Required[str],
        'template': Literal['squish', 'rotation', 'poke', 'inflate', 'dissolve', 'carousel', 'singleheart', 'flying', 'rose', 'crystalrose', 'hug', 'frenchkiss', 'coupleheart'],
    },
    total=False,
)

Wanx21I2vTurboParameters = TypedDict(
    'Wanx21I2vTurboParameters',
    {
        'resolution': Literal['480P', '720P'],
        'duration': Literal[3, 4, 5],
        'prompt_extend': bool,
        'watermark': bool,
        'seed': int,
    },
    total=False,
)

Wan22Kf2vFlashInput = TypedDict(
    'Wan22Kf2vFlashInput',
    {
        'prompt': str,
        'negative_prompt': str,
        'first_frame_url': Required[str],
        'last_frame_url': str,
        'template': Any,
    },
    total=False,
)

Wan22Kf2vFlashParameters = TypedDict(
    'Wan22Kf2vFlashParameters',
    {
        'resolution': Literal['480P', '720P', '1080P'],
        'duration': Literal[5],
        'prompt_extend': bool,
        'watermark': bool,
        'seed': int,
    },
    total=False,
)

Wanx21Kf2vPlusInput = TypedDict(
    'Wanx21Kf2vPlusInput',
    {
        'prompt': str,
        'negative_prompt': str,
        'first_frame_url': Required[str],
        'last_frame_url': str,
        'template': Literal['hanfu-1', 'solaron', 'magazine', 'mech1', 'mech2'],
    },
    total=False,
)

Wanx21Kf2vPlusParameters = TypedDict(
    'Wanx21Kf2vPlusParameters',
    {
        'resolution': Literal['720P'],
        'duration': Literal[5],
        'prompt_extend': bool,
        'watermark': bool,
        'seed': int,
    },
    total=False,
)

Wan26R2vFlashInput = TypedDict(
    'Wan26R2vFlashInput',
    {
        'prompt': Required[str],
        'negative_prompt': str,
        'reference_urls': Required[list[str]],
    },
    total=False,
)

Wan26R2vFlashParameters = TypedDict(
    'Wan26R2vFlashParameters',
    {
        'size': Literal['1280*720', '720*1280', '960*960', '1088*832', '832*1088', '1920*1080', '1080*1920', '1440*1440', '1632*1248', '1248*1632'],
        'duration': int,
        'shot_type': Literal['single', 'multi'],
        'audio': bool,
        'watermark': bool,
        'seed': int,
    },
    total=False,
)

Wan26R2vInput = TypedDict(
    'Wan26R2vInput',
    {
        'prompt': Required[str],
        'negative_prompt': str,
        'reference_urls': Required[list[str]],
    },
    total=False,
)

Wan26R2vParameters = TypedDict(
    'Wan26R2vParameters',
    {
        'size': Literal['1280*720', '720*1280', '960*960', '1088*832', '832*1088', '1920*1080', '1080*1920', '1440*1440', '1632*1248', '1248*1632'],
        'duration': int,
        'shot_type': Literal['single', 'multi'],
        'watermark': bool,
        'seed': int,
    },
    total=False,
)

Wan27T2vInput = TypedDict(
    'Wan27T2vInput',
    {
        'prompt': Required[str],
        'negative_prompt': str,
        'audio_url': str,
    },
    total=False,
)

Wan27T2vParameters = TypedDict(
    'Wan27T2vParameters',
    {
        'resolution': Literal['1080P', '720P'],
        'ratio': str,
        'duration': int,
        'prompt_extend': bool,
        'watermark': bool,
        'seed': int,
    },
    total=False,
)

Wan27I2vInputMediaItem = TypedDict(
    'Wan27I2vInputMediaItem',
    {
        'type': Required[Literal['first_frame', 'last_frame', 'driving_audio', 'first_clip']],
        'url': Required[str],
    },
    total=False,
)

Wan27I2vInput = TypedDict(
    'Wan27I2vInput',
    {
        'prompt': str,
        'negative_prompt': str,
        'media': Required[list[Wan27I2vInputMediaItem]],
    },
    total=False,
)

Wan27I2vParameters = TypedDict(
    'Wan27I2vParameters',
    {
        'resolution': Literal['1080P', '720P'],
        'duration': int,
        'prompt_extend': bool,
        'watermark': bool,
        'seed': int,
    },
    total=False,
)

Wan27R2vInputMediaItem = TypedDict(
    'Wan27R2vInputMediaItem',
    {
        'type': Required[Literal['reference_image', 'reference_video', 'first_frame']],
        'url': Required[str],
        'reference_voice': str,
    },
    total=False,
)

Wan27R2vInput = TypedDict(
    'Wan27R2vInput',
    {
        'prompt': Required[str],
        'negative_prompt': str,
        'media': Required[list[Wan27R2vInputMediaItem]],
    },
    total=False,
)

Wan27R2vParameters = TypedDict(
    'Wan27R2vParameters',
    {
        'resolution': Literal['1080P', '720P'],
        'ratio': str,
        'duration': int,
        'prompt_extend': bool,
        'watermark': bool,
        'seed': int,
    },
    total=False,
)

AnimateAnyoneDetectGen2ResultOutput = TypedDict(
    'AnimateAnyoneDetectGen2ResultOutput',
    {
        'check_pass': Required[bool],
        'bodystyle': Literal['half', 'full'],
        'reason': str,
    },
    total=False,
)

AnimateAnyoneDetectGen2ResultUsage = TypedDict(
    'AnimateAnyoneDetectGen2ResultUsage',
    {
        'image_count': int,
    },
    total=False,
)

AnimateAnyoneGen2ResultOutput = TypedDict(
    'AnimateAnyoneGen2ResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['PENDING', 'PRE-PROCESSING', 'RUNNING', 'POST-PROCESSING', 'SUCCEEDED', 'FAILED', 'UNKNOWN']],
        'video_url': Required[str],
    },
    total=False,
)

AnimateAnyoneGen2ResultUsage = TypedDict(
    'AnimateAnyoneGen2ResultUsage',
    {
        'video_duration': Required[float],
        'video_ratio': Required[Literal['standard']],
    },
    total=False,
)

AnimateAnyoneTemplateGen2ResultOutput = TypedDict(
    'AnimateAnyoneTemplateGen2ResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'UNKNOWN']],
        'template_id': Required[str],
    },
    total=False,
)

AnimateAnyoneTemplateGen2ResultUsage = TypedDict(
    'AnimateAnyoneTemplateGen2ResultUsage',
    {
        'video_duration': Required[float],
        'video_ratio': Required[Literal['standard']],
    },
    total=False,
)

EmoDetectV1ResultOutput = TypedDict(
    'EmoDetectV1ResultOutput',
    {
        'check_pass': Required[bool],
        'face_bbox': list[int],
        'ext_bbox': list[int],
    },
    total=False,
)

EmoDetectV1ResultUsage = TypedDict(
    'EmoDetectV1ResultUsage',
    {
        'image_count': int,
    },
    total=False,
)

EmoV1ResultOutputResults = TypedDict(
    'EmoV1ResultOutputResults',
    {
        'video_url': Required[str],
    },
    total=False,
)

EmoV1ResultOutput = TypedDict(
    'EmoV1ResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELED', 'UNKNOWN']],
        'submit_time': str,
        'scheduled_time': str,
        'end_time': str,
        'results': Required[EmoV1ResultOutputResults],
    },
    total=False,
)

EmoV1ResultUsage = TypedDict(
    'EmoV1ResultUsage',
    {
        'video_duration': Required[float],
        'video_ratio': Required[Literal['1:1', '3:4']],
    },
    total=False,
)

EmojiDetectV1ResultOutput = TypedDict(
    'EmojiDetectV1ResultOutput',
    {
        'bbox_face': list[int],
        'ext_bbox_face': list[int],
        'code': str,
        'message': str,
    },
    total=False,
)

EmojiDetectV1ResultUsage = TypedDict(
    'EmojiDetectV1ResultUsage',
    {
        'image_count': Literal[1],
    },
    total=False,
)

EmojiV1ResultOutput = TypedDict(
    'EmojiV1ResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELED', 'UNKNOWN']],
        'submit_time': str,
        'scheduled_time': str,
        'end_time': str,
        'video_url': Required[str],
    },
    total=False,
)

EmojiV1ResultUsage = TypedDict(
    'EmojiV1ResultUsage',
    {
        'video_duration': Required[int],
        'video_ratio': Required[Literal['standard']],
    },
    total=False,
)

ImageEraseCompletionResultOutput = TypedDict(
    'ImageEraseCompletionResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['SUCCEEDED']],
        'submit_time': Required[str],
        'scheduled_time': Required[str],
        'end_time': Required[str],
        'output_image_url': Required[str],
    },
    total=False,
)

ImageEraseCompletionResultUsage = TypedDict(
    'ImageEraseCompletionResultUsage',
    {
        'image_count': Required[int],
    },
    total=False,
)

ImageInstanceSegmentationResultOutput = TypedDict(
    'ImageInstanceSegmentationResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['SUCCEEDED']],
        'submit_time': Required[str],
        'scheduled_time': Required[str],
        'end_time': Required[str],
        'output_image_url': Required[str],
        'output_vis_image_url': Required[str],
    },
    total=False,
)

ImageInstanceSegmentationResultUsage = TypedDict(
    'ImageInstanceSegmentationResultUsage',
    {
        'image_count': Required[int],
    },
    total=False,
)

ImageOutPaintingResultOutput = TypedDict(
    'ImageOutPaintingResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['SUCCEEDED']],
        'submit_time': Required[str],
        'scheduled_time': Required[str],
        'end_time': Required[str],
        'output_image_url': Required[str],
    },
    total=False,
)

ImageOutPaintingResultUsage = TypedDict(
    'ImageOutPaintingResultUsage',
    {
        'image_count': Required[int],
    },
    total=False,
)

LiveportraitDetectResultOutput = TypedDict(
    'LiveportraitDetectResultOutput',
    {
        'pass': Required[bool],
        'message': str,
    },
    total=False,
)

LiveportraitDetectResultUsage = TypedDict(
    'LiveportraitDetectResultUsage',
    {
        'image_count': int,
    },
    total=False,
)

LiveportraitResultOutputResults = TypedDict(
    'LiveportraitResultOutputResults',
    {
        'video_url': Required[str],
    },
    total=False,
)

LiveportraitResultOutput = TypedDict(
    'LiveportraitResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'UNKNOWN']],
        'submit_time': str,
        'scheduled_time': str,
        'end_time': str,
        'results': Required[LiveportraitResultOutputResults],
    },
    total=False,
)

LiveportraitResultUsage = TypedDict(
    'LiveportraitResultUsage',
    {
        'video_duration': Required[float],
        'video_ratio': Required[Literal['standard']],
    },
    total=False,
)

Shoemodelv1ResultOutputResultsItem = TypedDict(
    'Shoemodelv1ResultOutputResultsItem',
    {
        'url': str,
    },
    total=False,
)

Shoemodelv1ResultOutputTaskMetrics = TypedDict(
    'Shoemodelv1ResultOutputTaskMetrics',
    {
        'TOTAL': Required[int],
        'SUCCEEDED': Required[int],
        'FAILED': Required[int],
    },
    total=False,
)

Shoemodelv1ResultOutput = TypedDict(
    'Shoemodelv1ResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['SUCCEEDED']],
        'submit_time': Required[str],
        'scheduled_time': Required[str],
        'end_time': Required[str],
        'results': Required[list[Shoemodelv1ResultOutputResultsItem]],
        'task_metrics': Required[Shoemodelv1ResultOutputTaskMetrics],
    },
    total=False,
)

Shoemodelv1ResultUsage = TypedDict(
    'Shoemodelv1ResultUsage',
    {
        'image_count': Required[int],
    },
    total=False,
)

Vace21ResultOutput = TypedDict(
    'Vace21ResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['SUCCEEDED']],
        'submit_time': Required[str],
        'scheduled_time': Required[str],
        'end_time': Required[str],
        'video_url': Required[str],
        'orig_prompt': str,
        'actual_prompt': str,
    },
    total=False,
)

Vace21ResultUsage = TypedDict(
    'Vace21ResultUsage',
    {
        'video_count': Required[int],
        'video_duration': Required[float],
        'video_ratio': Required[str],
    },
    total=False,
)

VideoStyleTransformResultOutput = TypedDict(
    'VideoStyleTransformResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['PENDING', 'RUNNING', 'SUSPENDED', 'SUCCEEDED', 'FAILED', 'UNKNOWN']],
        'submit_time': str,
        'scheduled_time': str,
        'end_time': str,
        'output_video_url': Required[str],
    },
    total=False,
)

VideoStyleTransformResultUsage = TypedDict(
    'VideoStyleTransformResultUsage',
    {
        'duration': Required[float],
        'SR': Required[Literal[720, 540]],
    },
    total=False,
)

VideoretalkResultOutput = TypedDict(
    'VideoretalkResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['PENDING', 'PRE-PROCESSING', 'RUNNING', 'POST-PROCESSING', 'SUCCEEDED', 'FAILED', 'UNKNOWN']],
        'submit_time': str,
        'scheduled_time': str,
        'end_time': str,
        'video_url': Required[str],
    },
    total=False,
)

VideoretalkResultUsage = TypedDict(
    'VideoretalkResultUsage',
    {
        'video_duration': Required[float],
        'video_ratio': Required[Literal['standard']],
    },
    total=False,
)

VirtualmodelResultOutputResultsItem = TypedDict(
    'VirtualmodelResultOutputResultsItem',
    {
        'url': str,
    },
    total=False,
)

VirtualmodelResultOutputTaskMetrics = TypedDict(
    'VirtualmodelResultOutputTaskMetrics',
    {
        'TOTAL': Required[int],
        'SUCCEEDED': Required[int],
        'FAILED': Required[int],
    },
    total=False,
)

VirtualmodelResultOutput = TypedDict(
    'VirtualmodelResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['SUCCEEDED']],
        'submit_time': Required[str],
        'scheduled_time': Required[str],
        'end_time': Required[str],
        'results': Required[list[VirtualmodelResultOutputResultsItem]],
        'task_metrics': Required[VirtualmodelResultOutputTaskMetrics],
    },
    total=False,
)

VirtualmodelResultUsage = TypedDict(
    'VirtualmodelResultUsage',
    {
        'image_count': Required[int],
    },
    total=False,
)

Wan22AnimateResultOutputResults = TypedDict(
    'Wan22AnimateResultOutputResults',
    {
        'video_url': Required[str],
    },
    total=False,
)

Wan22AnimateResultOutput = TypedDict(
    'Wan22AnimateResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELED', 'UNKNOWN']],
        'submit_time': str,
        'scheduled_time': str,
        'end_time': str,
        'results': Required[Wan22AnimateResultOutputResults],
    },
    total=False,
)

Wan22AnimateResultUsage = TypedDict(
    'Wan22AnimateResultUsage',
    {
        'video_duration': Required[float],
        'video_ratio': Required[Literal['standard', 'pro']],
    },
    total=False,
)

Wan22S2vDetectResultOutput = TypedDict(
    'Wan22S2vDetectResultOutput',
    {
        'check_pass': Required[bool],
        'humanoid': bool,
        'code': str,
        'message': str,
    },
    total=False,
)

Wan22S2vDetectResultUsage = TypedDict(
    'Wan22S2vDetectResultUsage',
    {
        'image_count': Literal[1],
    },
    total=False,
)

Wan22S2vResultOutputResults = TypedDict(
    'Wan22S2vResultOutputResults',
    {
        'video_url': Required[str],
    },
    total=False,
)

Wan22S2vResultOutput = TypedDict(
    'Wan22S2vResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'UNKNOWN', 'CANCELED']],
        'submit_time': str,
        'scheduled_time': str,
        'end_time': str,
        'results': Required[Wan22S2vResultOutputResults],
    },
    total=False,
)

Wan22S2vResultUsage = TypedDict(
    'Wan22S2vResultUsage',
    {
        'duration': Required[float],
        'video_count': Required[int],
        'SR': Required[int],
    },
    total=False,
)

Wan22VideoResultOutput = TypedDict(
    'Wan22VideoResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['SUCCEEDED']],
        'submit_time': str,
        'scheduled_time': str,
        'end_time': str,
        'video_url': Required[str],
        'orig_prompt': str,
        'actual_prompt': str,
    },
    total=False,
)

Wan22VideoResultUsage = TypedDict(
    'Wan22VideoResultUsage',
    {
        'video_duration': Required[int],
        'video_count': Required[int],
        'SR': Required[int],
    },
    total=False,
)

Wan25I2iPreviewResultOutputResultsItem = TypedDict(
    'Wan25I2iPreviewResultOutputResultsItem',
    {
        'url': str,
        'orig_prompt': str,
        'actual_prompt': str,
        'code': str,
        'message': str,
    },
    total=False,
)

Wan25I2iPreviewResultOutputTaskMetrics = TypedDict(
    'Wan25I2iPreviewResultOutputTaskMetrics',
    {
        'TOTAL': Required[int],
        'SUCCEEDED': Required[int],
        'FAILED': Required[int],
    },
    total=False,
)

Wan25I2iPreviewResultOutput = TypedDict(
    'Wan25I2iPreviewResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['SUCCEEDED']],
        'results': Required[list[Wan25I2iPreviewResultOutputResultsItem]],
        'submit_time': Required[str],
        'scheduled_time': Required[str],
        'end_time': Required[str],
        'task_metrics': Required[Wan25I2iPreviewResultOutputTaskMetrics],
    },
    total=False,
)

Wan25I2iPreviewResultUsage = TypedDict(
    'Wan25I2iPreviewResultUsage',
    {
        'image_count': Required[int],
    },
    total=False,
)

Wan26I2vResultOutput = TypedDict(
    'Wan26I2vResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['SUCCEEDED']],
        'submit_time': str,
        'scheduled_time': str,
        'end_time': str,
        'video_url': Required[str],
        'orig_prompt': str,
    },
    total=False,
)

Wan26I2vResultUsage = TypedDict(
    'Wan26I2vResultUsage',
    {
        'duration': Required[int],
        'input_video_duration': Required[int],
        'output_video_duration': Required[int],
        'video_count': Required[int],
        'SR': Required[int],
    },
    total=False,
)

Wan26T2vResultOutput = TypedDict(
    'Wan26T2vResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['SUCCEEDED']],
        'submit_time': str,
        'scheduled_time': str,
        'end_time': str,
        'video_url': Required[str],
        'orig_prompt': str,
    },
    total=False,
)

Wan26T2vResultUsage = TypedDict(
    'Wan26T2vResultUsage',
    {
        'duration': Required[float],
        'size': Required[str],
        'input_video_duration': Required[int],
        'output_video_duration': Required[int],
        'video_count': Required[int],
        'SR': Required[int],
    },
    total=False,
)

Wan27VideoResultOutput = TypedDict(
    'Wan27VideoResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['SUCCEEDED']],
        'submit_time': str,
        'scheduled_time': str,
        'end_time': str,
        'video_url': Required[str],
        'orig_prompt': str,
    },
    total=False,
)

Wan27VideoResultUsage = TypedDict(
    'Wan27VideoResultUsage',
    {
        'duration': Required[float],
        'input_video_duration': Required[float],
        'output_video_duration': Required[float],
        'video_count': Required[int],
        'SR': Required[int],
        'ratio': str,
    },
    total=False,
)

Wan27VideoeditResultOutput = TypedDict(
    'Wan27VideoeditResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['SUCCEEDED']],
        'submit_time': Required[str],
        'scheduled_time': Required[str],
        'end_time': Required[str],
        'video_url': Required[str],
        'orig_prompt': str,
    },
    total=False,
)

Wan27VideoeditResultUsage = TypedDict(
    'Wan27VideoeditResultUsage',
    {
        'video_count': Required[int],
        'duration': Required[float],
        'input_video_duration': Required[float],
        'output_video_duration': Required[float],
        'SR': Required[int | str],
    },
    total=False,
)

WanImageGenerationResultOutputChoicesItemMessageContentItem = TypedDict(
    'WanImageGenerationResultOutputChoicesItemMessageContentItem',
    {
        'image': str,
        'type': str,
        'text': str,
    },
    total=False,
)

WanImageGenerationResultOutputChoicesItemMessage = TypedDict(
    'WanImageGenerationResultOutputChoicesItemMessage',
    {
        'role': Required[Literal['assistant']],
        'content': Required[list[WanImageGenerationResultOutputChoicesItemMessageContentItem]],
    },
    total=False,
)

WanImageGenerationResultOutputChoicesItem = TypedDict(
    'WanImageGenerationResultOutputChoicesItem',
    {
        'finish_reason': str,
        'message': Required[WanImageGenerationResultOutputChoicesItemMessage],
    },
    total=False,
)

WanImageGenerationResultOutput = TypedDict(
    'WanImageGenerationResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['SUCCEEDED']],
        'submit_time': Required[str],
        'scheduled_time': Required[str],
        'end_time': Required[str],
        'finished': bool,
        'choices': Required[list[WanImageGenerationResultOutputChoicesItem]],
    },
    total=False,
)

WanImageGenerationResultUsage = TypedDict(
    'WanImageGenerationResultUsage',
    {
        'image_count': Required[int],
    },
    total=False,
)

WanR2v26ResultOutput = TypedDict(
    'WanR2v26ResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['SUCCEEDED']],
        'submit_time': str,
        'scheduled_time': str,
        'end_time': str,
        'video_url': Required[str],
        'orig_prompt': str,
    },
    total=False,
)

WanR2v26ResultUsage = TypedDict(
    'WanR2v26ResultUsage',
    {
        'duration': Required[float],
        'size': Required[str],
        'input_video_duration': Required[float],
        'output_video_duration': Required[int],
        'video_count': Required[int],
        'SR': Required[int],
    },
    total=False,
)

WanT2iResultOutputResultsItem = TypedDict(
    'WanT2iResultOutputResultsItem',
    {
        'url': str,
        'orig_prompt': str,
        'actual_prompt': str,
        'code': str,
        'message': str,
    },
    total=False,
)

WanT2iResultOutputTaskMetrics = TypedDict(
    'WanT2iResultOutputTaskMetrics',
    {
        'TOTAL': Required[int],
        'SUCCEEDED': Required[int],
        'FAILED': Required[int],
    },
    total=False,
)

WanT2iResultOutput = TypedDict(
    'WanT2iResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['SUCCEEDED']],
        'results': Required[list[WanT2iResultOutputResultsItem]],
        'submit_time': Required[str],
        'scheduled_time': Required[str],
        'end_time': Required[str],
        'task_metrics': Required[WanT2iResultOutputTaskMetrics],
    },
    total=False,
)

WanT2iResultUsage = TypedDict(
    'WanT2iResultUsage',
    {
        'image_count': Required[int],
    },
    total=False,
)

WanT2vLegacyResultOutput = TypedDict(
    'WanT2vLegacyResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['SUCCEEDED']],
        'submit_time': str,
        'scheduled_time': str,
        'end_time': str,
        'video_url': Required[str],
        'orig_prompt': str,
        'actual_prompt': str,
    },
    total=False,
)

WanT2vLegacyResultUsage = TypedDict(
    'WanT2vLegacyResultUsage',
    {
        'video_duration': Required[int],
        'video_ratio': Required[str],
        'video_count': Required[int],
    },
    total=False,
)

Wanx21ImageeditResultOutputResultsItem = TypedDict(
    'Wanx21ImageeditResultOutputResultsItem',
    {
        'url': str,
        'orig_prompt': str,
        'actual_prompt': str,
        'code': str,
        'message': str,
    },
    total=False,
)

Wanx21ImageeditResultOutputTaskMetrics = TypedDict(
    'Wanx21ImageeditResultOutputTaskMetrics',
    {
        'TOTAL': Required[int],
        'SUCCEEDED': Required[int],
        'FAILED': Required[int],
    },
    total=False,
)

Wanx21ImageeditResultOutput = TypedDict(
    'Wanx21ImageeditResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['SUCCEEDED']],
        'results': Required[list[Wanx21ImageeditResultOutputResultsItem]],
        'submit_time': Required[str],
        'scheduled_time': Required[str],
        'end_time': Required[str],
        'task_metrics': Required[Wanx21ImageeditResultOutputTaskMetrics],
    },
    total=False,
)

Wanx21ImageeditResultUsage = TypedDict(
    'Wanx21ImageeditResultUsage',
    {
        'image_count': Required[int],
    },
    total=False,
)

Wanx21VideoResultOutput = TypedDict(
    'Wanx21VideoResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['SUCCEEDED']],
        'submit_time': str,
        'scheduled_time': str,
        'end_time': str,
        'video_url': Required[str],
        'orig_prompt': str,
        'actual_prompt': str,
    },
    total=False,
)

Wanx21VideoResultUsage = TypedDict(
    'Wanx21VideoResultUsage',
    {
        'video_duration': Required[int],
        'video_count': Required[int],
        'video_ratio': Required[Literal['standard']],
    },
    total=False,
)

WanxBackgroundGenerationV2ResultOutputResultsItem = TypedDict(
    'WanxBackgroundGenerationV2ResultOutputResultsItem',
    {
        'url': str,
        'code': str,
        'message': str,
    },
    total=False,
)

WanxBackgroundGenerationV2ResultOutputTaskMetrics = TypedDict(
    'WanxBackgroundGenerationV2ResultOutputTaskMetrics',
    {
        'TOTAL': Required[int],
        'SUCCEEDED': Required[int],
        'FAILED': Required[int],
    },
    total=False,
)

WanxBackgroundGenerationV2ResultOutput = TypedDict(
    'WanxBackgroundGenerationV2ResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['SUCCEEDED']],
        'submit_time': Required[str],
        'scheduled_time': Required[str],
        'end_time': Required[str],
        'results': Required[list[WanxBackgroundGenerationV2ResultOutputResultsItem]],
        'text_results': dict[str, Any],
        'task_metrics': Required[WanxBackgroundGenerationV2ResultOutputTaskMetrics],
    },
    total=False,
)

WanxBackgroundGenerationV2ResultUsage = TypedDict(
    'WanxBackgroundGenerationV2ResultUsage',
    {
        'image_count': Required[int],
    },
    total=False,
)

WanxPosterGenerationV1ResultOutput = TypedDict(
    'WanxPosterGenerationV1ResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['SUCCEEDED']],
        'submit_time': Required[str],
        'scheduled_time': Required[str],
        'end_time': Required[str],
        'render_urls': Required[list[str]],
        'auxiliary_parameters': Required[list[str]],
        'bg_urls': Required[list[str]],
    },
    total=False,
)

WanxPosterGenerationV1ResultUsage = TypedDict(
    'WanxPosterGenerationV1ResultUsage',
    {
        'image_count': Required[int],
    },
    total=False,
)

WanxStyleRepaintV1ResultOutputResultsItem = TypedDict(
    'WanxStyleRepaintV1ResultOutputResultsItem',
    {
        'url': Required[str],
    },
    total=False,
)

WanxStyleRepaintV1ResultOutput = TypedDict(
    'WanxStyleRepaintV1ResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['SUCCEEDED']],
        'submit_time': Required[str],
        'scheduled_time': Required[str],
        'end_time': Required[str],
        'error_message': str,
        'start_time': str,
        'style_index': int,
        'error_code': int,
        'results': Required[list[WanxStyleRepaintV1ResultOutputResultsItem]],
    },
    total=False,
)

WanxStyleRepaintV1ResultUsage = TypedDict(
    'WanxStyleRepaintV1ResultUsage',
    {
        'image_count': Required[int],
    },
    total=False,
)

WanxV1ResultOutputResultsItem = TypedDict(
    'WanxV1ResultOutputResultsItem',
    {
        'url': str,
        'orig_prompt': str,
        'actual_prompt': str,
        'code': str,
        'message': str,
    },
    total=False,
)

WanxV1ResultOutputTaskMetrics = TypedDict(
    'WanxV1ResultOutputTaskMetrics',
    {
        'TOTAL': Required[int],
        'SUCCEEDED': Required[int],
        'FAILED': Required[int],
    },
    total=False,
)

WanxV1ResultOutput = TypedDict(
    'WanxV1ResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['SUCCEEDED']],
        'results': Required[list[WanxV1ResultOutputResultsItem]],
        'submit_time': Required[str],
        'scheduled_time': Required[str],
        'end_time': Required[str],
        'task_metrics': Required[WanxV1ResultOutputTaskMetrics],
    },
    total=False,
)

WanxV1ResultUsage = TypedDict(
    'WanxV1ResultUsage',
    {
        'image_count': Required[int],
    },
    total=False,
)

WanxXPaintingResultOutputResultsItem = TypedDict(
    'WanxXPaintingResultOutputResultsItem',
    {
        'url': str,
        'code': str,
        'message': str,
    },
    total=False,
)

WanxXPaintingResultOutputTaskMetrics = TypedDict(
    'WanxXPaintingResultOutputTaskMetrics',
    {
        'TOTAL': Required[int],
        'SUCCEEDED': Required[int],
        'FAILED': Required[int],
    },
    total=False,
)

WanxXPaintingResultOutput = TypedDict(
    'WanxXPaintingResultOutput',
    {
        'task_id': Required[str],
        'task_status': Required[Literal['SUCCEEDED']],
        'submit_time': Required[str],
        'scheduled_time': Required[str],
        'end_time': Required[str],
        'results': Required[list[WanxXPaintingResultOutputResultsItem]],
        'task_metrics': Required[WanxXPaintingResultOutputTaskMetrics],
    },
    total=False,
)

WanxXPaintingResultUsage = TypedDict(
    'WanxXPaintingResultUsage',
    {
        'image_count': Required[int],
    },
    total=False,
)
