"""Multi-turn environments with tools (beside the single-turn task contract): see ``environment.py``."""

from bootcamp.env.environment import Environment, StepResult, run_reference
from bootcamp.env.executor import InProcessExecutor, ToolExecutor
from bootcamp.env.registry import ENVIRONMENTS, get_env, register_env
from bootcamp.env.toolcall import ToolCall, ToolResult, format_call, format_results, parse_tool_calls
from bootcamp.env.tools import TOOLS, Tool, ToolError, tool

__all__ = [
    "ENVIRONMENTS", "TOOLS", "Environment", "InProcessExecutor", "StepResult", "Tool", "ToolCall", "ToolError",
    "ToolExecutor", "ToolResult", "format_call", "format_results", "get_env", "parse_tool_calls", "register_env",
    "run_reference", "tool",
]
