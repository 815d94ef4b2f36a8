"""Writes a small scikit-learn-style classifier with ZipMap outputs, as skl2onnx converts one.

usage: python3 zipmap_classifier.py OUT.onnx

Graph: features float [N, 3] -> LinearClassifier (ai.onnx.ml, softmax) -> label int64 [N] and
probability float [N, 3]; ZipMap turns the probabilities into one map per row, keyed by the int64
labels 10, 20, 30 ("probabilities": seq(map(int64, float))) and by the strings "cat", "dog", "eel"
("named": seq(map(string, float))); SequenceConstruct gives "rows": seq(tensor(float)).
"""
import sys

import onnx
from onnx import TensorProto, helper

COEFFICIENTS = [1.0, 0.0, 0.0,
                0.0, 1.0, 0.0,
                0.0, 0.0, 1.0]
INTERCEPTS = [0.0, 0.5, -0.5]

nodes = [
    helper.make_node("LinearClassifier", ["features"], ["label", "probability"], domain="ai.onnx.ml",
                     coefficients=COEFFICIENTS, intercepts=INTERCEPTS, classlabels_ints=[10, 20, 30],
                     post_transform="SOFTMAX"),
    helper.make_node("ZipMap", ["probability"], ["probabilities"], domain="ai.onnx.ml", classlabels_int64s=[10, 20, 30]),
    helper.make_node("ZipMap", ["probability"], ["named"], domain="ai.onnx.ml", classlabels_strings=["cat", "dog", "eel"]),
    helper.make_node("SequenceConstruct", ["features", "probability"], ["rows"]),
]


def map_type(key_type):
    # onnx.helper of older releases has no make_map_type_proto.
    result = onnx.TypeProto()
    result.map_type.key_type = key_type
    result.map_type.value_type.CopyFrom(helper.make_tensor_type_proto(TensorProto.FLOAT, []))
    return result


float_map = map_type(TensorProto.INT64)
string_map = map_type(TensorProto.STRING)
graph = helper.make_graph(
    nodes, "zipmap_classifier",
    [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", 3])],
    [
        helper.make_tensor_value_info("label", TensorProto.INT64, ["N"]),
        helper.make_value_info("probabilities", helper.make_sequence_type_proto(float_map)),
        helper.make_value_info("named", helper.make_sequence_type_proto(string_map)),
        helper.make_value_info("rows", helper.make_sequence_type_proto(helper.make_tensor_type_proto(TensorProto.FLOAT, None))),
    ])
model = helper.make_model(graph, producer_name="modelrefs-tests",
                          opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("ai.onnx.ml", 1)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
