"""ModelRefs exporter: a PyTorch Hub entrypoint -> ONNX, run by ModelRefs.Core's TorchExporter.

Usage: python3 torch_export.py <request.json>

The request names an extracted hub repo, the entrypoint, its keyword arguments, the example
input shapes, dynamic axes and opset, and where to write the ONNX file, the seeded example
tensors and the result JSON. This script never downloads the repo; weights the entrypoint
downloads land in TORCH_HOME (set by the caller, under the ModelRefs cache) and are always
hash-checked against the SHA-256 prefix in their file name when it has one.

Exit code 0 and {"ok": true, ...} in the result file on success; exit code 2 and
{"ok": false, "stage": ..., "error": ...} when something expected fails (the traceback goes to
stderr); any other exit code is a crash the caller reports with stderr.
"""
import hashlib
import importlib.util
import json
import os
import sys
import time
import traceback

EXPORTER_NAME = "modelrefs-torch-export"
EXPORTER_SCHEMA = 1


class Failure(Exception):
    def __init__(self, stage, message, **extra):
        super().__init__(message)
        self.stage = stage
        self.message = message
        self.extra = extra


def describe(exc):
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return text


def write_json(path, value):
    tmp = path + ".partial"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=1, sort_keys=True)
    os.replace(tmp, path)


def flatten(value, out):
    import torch
    if isinstance(value, torch.Tensor):
        out.append(value)
    elif isinstance(value, (list, tuple)):
        for v in value:
            flatten(v, out)
    elif isinstance(value, dict):
        for k in value:
            flatten(value[k], out)
    elif value is None:
        pass
    else:
        raise Failure("forward", "the model returned a %s, which torch.onnx.export cannot turn into an output tensor" % type(value).__name__)
    return out


def save_tensor(tensor, path):
    import numpy
    array = tensor.detach().cpu().contiguous().numpy()
    kinds = {"float32": "<f4", "float64": "<f8", "float16": "<f2", "int64": "<i8", "int32": "<i4", "int16": "<i2",
             "int8": "i1", "uint8": "u1", "bool": "u1"}
    name = str(array.dtype)
    if name not in kinds:
        raise Failure("forward", "the model produced a tensor of type %s, which the verification cannot store" % name)
    array.astype(kinds[name]).tofile(path)
    return {"dtype": name, "shape": list(array.shape), "file": os.path.basename(path)}


def run(request, timings):
    started = time.monotonic()
    try:
        import torch
    except Exception as exc:  # noqa: BLE001 - any import failure is reported as is
        raise Failure("torch", "import torch failed: " + describe(exc))
    import torch.hub
    timings["import_torch_s"] = round(time.monotonic() - started, 3)

    torch_home = os.environ.get("TORCH_HOME")
    if torch_home:
        torch.hub.set_dir(os.path.join(torch_home, "hub"))

    # Every weight download is hash-checked when its file name carries a SHA-256 prefix
    # (name-<hex>.ext), whatever the entrypoint asked for, and recorded for the lock.
    downloads = []
    original_download = torch.hub.download_url_to_file

    def download(url, dst, hash_prefix=None, progress=True):
        if hash_prefix is None:
            match = torch.hub.HASH_REGEX.search(os.path.basename(dst)) if hasattr(torch.hub, "HASH_REGEX") else None
            hash_prefix = match.group(1) if match and match.group(1) else None
        original_download(url, dst, hash_prefix, progress=False)
        with open(dst, "rb") as f:
            digest = hashlib.sha256()
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
        downloads.append({"url": url, "file": os.path.basename(dst), "sha256": digest.hexdigest()})

    torch.hub.download_url_to_file = download
    original_load = torch.hub.load_state_dict_from_url

    def load_state_dict_from_url(url, model_dir=None, map_location=None, progress=True, check_hash=False, file_name=None):
        return original_load(url, model_dir=model_dir, map_location=map_location, progress=False, check_hash=True, file_name=file_name)

    torch.hub.load_state_dict_from_url = load_state_dict_from_url

    repo = request["repo_dir"]
    missing = [d for d in request.get("dependencies", []) if importlib.util.find_spec(d) is None]
    if missing:
        raise Failure("dependencies",
                      "hubconf.py lists dependencies that this Python cannot import: %s" % ", ".join(missing),
                      missing=missing)

    sys.path.insert(0, repo)
    started = time.monotonic()
    try:
        spec = importlib.util.spec_from_file_location("hubconf", os.path.join(repo, "hubconf.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules["hubconf"] = module
        spec.loader.exec_module(module)
    except Exception as exc:  # noqa: BLE001
        traceback.print_exc()
        raise Failure("import_hubconf", "importing hubconf.py failed: " + describe(exc))
    timings["import_hubconf_s"] = round(time.monotonic() - started, 3)

    entry = getattr(module, request["entry"], None)
    if entry is None or not callable(entry):
        names = sorted(n for n in dir(module) if not n.startswith("_") and callable(getattr(module, n)))
        raise Failure("entry", "hubconf.py has no callable '%s'; it has: %s" % (request["entry"], ", ".join(names)))

    started = time.monotonic()
    try:
        model = entry(**request.get("kwargs", {}))
    except Exception as exc:  # noqa: BLE001
        traceback.print_exc()
        raise Failure("call", "calling %s(**Args) failed: %s" % (request["entry"], describe(exc)))
    timings["build_model_s"] = round(time.monotonic() - started, 3)
    if not isinstance(model, torch.nn.Module):
        raise Failure("call", "%s returned a %s, not a torch.nn.Module, so it cannot be exported" % (request["entry"], type(model).__name__))
    model.eval()

    torch.manual_seed(int(request.get("seed", 0)))
    shapes = request["input_shapes"]
    inputs = tuple(torch.randn(*shape) for shape in shapes)
    input_names = ["input"] if len(inputs) == 1 else ["input_%d" % i for i in range(len(inputs))]

    started = time.monotonic()
    try:
        with torch.no_grad():
            outputs = flatten(model(*inputs), [])
    except Failure:
        raise
    except Exception as exc:  # noqa: BLE001
        traceback.print_exc()
        raise Failure("forward", "running the model on inputs of shape %s failed: %s" % (shapes, describe(exc)))
    timings["forward_s"] = round(time.monotonic() - started, 3)
    if not outputs:
        raise Failure("forward", "the model returned no tensors")
    output_names = ["output"] if len(outputs) == 1 else ["output_%d" % i for i in range(len(outputs))]

    dynamic = {}
    axes_per_input = request.get("dynamic_axes", [])
    for name, axes in zip(input_names, axes_per_input):
        if axes:
            dynamic[name] = {int(a): ("batch" if int(a) == 0 else "%s_dim%d" % (name, int(a))) for a in axes}
    if axes_per_input and all(0 in [int(a) for a in axes] for axes in axes_per_input):
        for name, tensor in zip(output_names, outputs):
            if tensor.dim() > 0:
                dynamic[name] = {0: "batch"}

    onnx_path = request["onnx_path"]
    started = time.monotonic()
    try:
        torch.onnx.export(model, inputs, onnx_path, export_params=True, opset_version=int(request["opset"]),
                          do_constant_folding=True, input_names=input_names, output_names=output_names,
                          dynamic_axes=dynamic or None)
    except Exception as exc:  # noqa: BLE001
        traceback.print_exc()
        raise Failure("export", "torch.onnx.export failed: " + describe(exc))
    timings["export_s"] = round(time.monotonic() - started, 3)

    onnx_checked = False
    try:
        import onnx
    except Exception:  # noqa: BLE001 - the onnx package is optional
        onnx = None
    if onnx is not None:
        proto = onnx.load(onnx_path)
        if request.get("docstring"):
            proto.doc_string = request["docstring"]
        for key, value in sorted(request.get("metadata", {}).items()):
            entry_prop = proto.metadata_props.add()
            entry_prop.key = key
            entry_prop.value = value
        onnx.save(proto, onnx_path)
        try:
            onnx.checker.check_model(onnx_path)
            onnx_checked = True
        except Exception as exc:  # noqa: BLE001
            raise Failure("export", "the exported model does not pass onnx.checker: " + describe(exc))

    data_dir = request["data_dir"]
    saved_inputs = []
    for i, (name, tensor) in enumerate(zip(input_names, inputs)):
        info = save_tensor(tensor, os.path.join(data_dir, "input_%d.bin" % i))
        info["name"] = name
        saved_inputs.append(info)
    saved_outputs = []
    for i, (name, tensor) in enumerate(zip(output_names, outputs)):
        info = save_tensor(tensor, os.path.join(data_dir, "output_%d.bin" % i))
        info["name"] = name
        saved_outputs.append(info)

    return {
        "ok": True,
        "torch_version": torch.__version__,
        "python_version": sys.version.split()[0],
        "exporter": EXPORTER_NAME,
        "exporter_schema": EXPORTER_SCHEMA,
        "opset": int(request["opset"]),
        "onnx_checked": onnx_checked,
        "inputs": saved_inputs,
        "outputs": saved_outputs,
        "downloads": downloads,
    }


def main():
    if len(sys.argv) != 2:
        print("usage: torch_export.py <request.json>", file=sys.stderr)
        return 64
    with open(sys.argv[1], encoding="utf-8") as f:
        request = json.load(f)
    timings = {}
    started = time.monotonic()
    try:
        result = run(request, timings)
        code = 0
    except Failure as failure:
        result = {"ok": False, "stage": failure.stage, "error": failure.message}
        result.update(failure.extra)
        code = 2
    timings["total_s"] = round(time.monotonic() - started, 3)
    result["timings"] = timings
    write_json(request["result_path"], result)
    return code


if __name__ == "__main__":
    sys.exit(main())
