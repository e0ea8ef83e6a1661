// What valuenet's large views need from sigma and graphology, as one global: window.vnSigma.
import Graph from "graphology";
import Sigma from "sigma";
import { EdgeArrowProgram, EdgeLineProgram, EdgeRectangleProgram, NodeCircleProgram } from "sigma/rendering";

window.vnSigma = { Sigma: Sigma, Graph: Graph, EdgeArrowProgram, EdgeLineProgram, EdgeRectangleProgram, NodeCircleProgram };
