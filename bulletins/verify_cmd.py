"""`bulletins verify`: read every file of the serving index and check it against its manifest."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bulletins.options import index_option


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@index_option
def verify(as_json: bool, index: Path) -> None:
    """Check every file of the serving index against the checksums recorded when it was
    written; exits 1 naming each damaged file (`bulletins index` then re-makes its segment)."""
    from indexer.store import IndexUnavailableError
    from indexer.store import verify as verify_index

    try:
        found = verify_index(index)
    except IndexUnavailableError as ex:
        raise click.ClickException(str(ex)) from None
    if as_json:
        click.echo(json.dumps({
            "ok": not found.damage, "generation": found.gen.name, "segments": found.segments, "files": found.files,
            "bytes": found.bytes, "seconds": round(found.seconds, 3), "unrecorded": found.unrecorded,
            "damaged": [{"segment": d.segment, "file": d.name, "reason": d.reason} for d in found.damage],
        }, ensure_ascii=False))
    else:
        for d in found.damage:
            click.echo(f"已损坏：{d}")
        if found.unrecorded:
            click.echo(f"注意：{len(found.unrecorded)} 个段没有登记校验和（旧版本写入，或写入后中断），只检查了文件头；"
                       "下次 `bulletins index` 会登记", err=True)
        summary = (f"{found.gen.name}：{found.segments} 个段，{found.files} 个文件，"
                   f"读取 {found.bytes / 1e6:.1f} MB，用时 {found.seconds:.2f} 秒")
        if found.damage:
            segments = "、".join(found.damaged_segments)
            click.echo(f"索引有 {len(found.damage)} 个文件损坏（段 {segments}）：{summary}。"
                       "运行 `bulletins index` 从语料重建受损的段")
        else:
            click.echo(f"索引完好：{summary}")
    if found.damage:
        raise SystemExit(1)
