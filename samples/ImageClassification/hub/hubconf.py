"""A local hub directory: the PyTorch Hub interface of pytorch/vision v0.14.1 for SqueezeNet 1.1.

torchvision's own hubconf.py imports its entrypoints from torchvision.models; this one does the
same with the torchvision installed next to torch (Debian's python3-torchvision is 0.14.1, the same
code), so no download is needed. ModelRefs loads it as torch.hub.load("hub", "squeezenet1_1",
source="local") would (HubDirectory="hub" on the ModelReference).
"""
dependencies = ["torch", "torchvision"]

import torch
from torchvision.models import squeezenet as _squeezenet


def squeezenet1_1(weights=None, seed: int = 0, progress: bool = True, **kwargs):
    r"""SqueezeNet 1.1 image classifier (ImageNet, 1000 classes) from the official SqueezeNet repo.

    SqueezeNet 1.1 has 2.4x less computation and slightly fewer parameters than SqueezeNet 1.0,
    without sacrificing accuracy. Input: a batch of RGB images, 224x224, normalised with the
    ImageNet mean and standard deviation; output: 1000 class scores (logits).

    Args:
        weights: "DEFAULT" for the pretrained ImageNet weights (torch.hub downloads
            squeezenet1_1-b8a52dc0.pth, or finds it in TORCH_HOME/hub/checkpoints/); None for
            random weights initialised from ``seed`` (no download, meaningless predictions).
        seed (int): the random seed of the initialisation when ``weights`` is None.
    """
    torch.manual_seed(seed)
    return _squeezenet.squeezenet1_1(weights=weights, progress=progress, **kwargs)
