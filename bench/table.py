"""Render bench/results/latest.json as the README's Markdown table.

python -m bench.table
"""

from __future__ import annotations

import json
from typing import Any

from bench import corpus_retrieval
from bench.common import RESULTS


def rows(r: dict[str, Any]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    q = r.get("retrieval_quality", {})
    for name, label in (("hard", "hard paraphrases (203 q.)"), ("easy", "easy set (222 q.)")):
        for mode in ("lexical", "dense", "fusion", "late", "hybrid"):
            single = q.get(f"{name}/single/{mode}")
            multi = q.get(f"{name}/multi/{mode}")
            if single and multi:
                out.append(
                    (
                        f"Retrieval, {label}, {mode}: single-paper R@5 / R@10 / MRR@10; multi-paper R@5 / R@10",
                        f"{single['recall@5']:.3f} / {single['recall@10']:.3f} / {single['mrr@10']:.3f}; "
                        f"{multi['recall@5']:.3f} / {multi['recall@10']:.3f}",
                    )
                )
    if r.get("corpus_retrieval"):
        out.extend(corpus_retrieval.rows(r["corpus_retrieval"]))
    cv = r.get("rerank_cv", {})
    if cv:
        folds = "; ".join(
            f"dense {f['chosen_dense_weight']}, MPNet {f['chosen_model_weight']} -> "
            f"{f['held_out_recall@5']:.3f} / {f['held_out_mrr@10']:.3f}"
            for f in cv["folds"]
        )
        out.append(
            (
                "Re-ranking weights by 2-fold cross-validation on the hard set: "
                "chosen on one half -> R@5 / MRR@10 on the other",
                folds,
            )
        )
    a = r.get("answer_quality", {})
    if a:
        out.append(
            (
                "Extractive answers cite the relevant paper (hard / easy single questions)",
                f"{a['hard']['cites_relevant_paper']:.3f} / {a['easy']['cites_relevant_paper']:.3f}",
            )
        )
        out.append(
            (
                "Extractive answers: citation validity; on-topic wrongly declined; off-topic declined",
                f"{a['hard']['citation_validity']:.2f}; {a['hard']['wrongly_declined']:.2f}; "
                f"{a['offtopic']['declined']:.2f} of {a['offtopic']['questions']}",
            )
        )
    s = r.get("answer_sentences", {})
    if s:
        before, after = s["before"], s["after"]
        out.append(
            (
                f"Extractive answers: the quoted sentence answers the question ({s['questions']} "
                "hand-labelled hard q.): lead sentence; some sentence; share of the relevant "
                "paper's quoted sentences, before -> after",
                f"{before['lead_answers']:.2f} -> {after['lead_answers']:.2f}; "
                f"{before['answering_quoted']:.2f} -> {after['answering_quoted']:.2f}; "
                f"{before['relevant_paper_precision']:.2f} -> "
                f"{after['relevant_paper_precision']:.2f}",
            )
        )
    if a:
        out.append(
            (
                "Extractive answer latency p50 / p95 (retrieval included)",
                f"{a['latency']['p50_ms']} ms / {a['latency']['p95_ms']} ms",
            )
        )
    f = r.get("followup_retrieval", {})
    for set_name, label in (
        ("written_with_the_rule", "written with the rule"),
        ("held_out", "held out"),
    ):
        fs = f.get(set_name)
        if not fs:
            continue
        change, follow = fs["topic_change"], fs["follow_up"]
        out.append(
            (
                f"Follow-up retrieval, second turn, {change['conversations']} topic changes / "
                f"{follow['conversations']} true follow-ups ({label}): right paper in the top 5, "
                "MRR@10, before -> after",
                f"{change['before_hit@5']:.3f}, {change['before_mrr@10']:.3f} -> "
                f"{change['after_hit@5']:.3f}, {change['after_mrr@10']:.3f} / "
                f"{follow['before_hit@5']:.3f}, {follow['before_mrr@10']:.3f} -> "
                f"{follow['after_hit@5']:.3f}, {follow['after_mrr@10']:.3f}",
            )
        )
    ft = r.get("fulltext_retrieval", {})
    among = "among the sample library" if ft.get("distractors") else "alone"
    for field, label in (("question", "naming the work"), ("question_unnamed", "unnamed")):
        if not (ft.get("full_text") and ft.get("abstract_only")):
            break
        full, abstract = ft["full_text"][field], ft["abstract_only"][field]
        page = full["page_recall@5/all"]
        out.append(
            (
                f"Full-text questions ({full['questions']}, answer only in the body; {label}) on "
                f"the 12 real PDFs {among}: right paper in the top 5, abstract only -> full "
                "text; right page in the top 5",
                f"{abstract['paper_recall@5/all']:.3f} -> {full['paper_recall@5/all']:.3f}; "
                + (
                    f"{page:.3f}"
                    if isinstance(page, float)
                    else "not available (hits carry no page yet)"
                ),
            )
        )
    s = r.get("support_quality", {})
    if s:
        h = s["held_out_at_shipped"]
        out.append(
            (
                f"Support check flags unsupported claims (held-out half of {s['labels']} labels), "
                "precision / recall",
                f"{h['precision']:.2f} / {h['recall']:.2f}",
            )
        )
    d = r.get("batch_determinism", {})
    if d:
        race, batch = d["differ_in_4_threads"], d["batch"]
        out.append(
            (
                f"Batch at any concurrency: abstracts ({d['abstracts']}) split differently in "
                "4 threads than alone, pysbd bare / locked; identical answers at 1 and 4 workers",
                f"{race['bare_pysbd']:.2f} / {race['split_sentences']:.2f}; "
                f"{batch['identical_at_1_and_4_workers']} of {batch['questions']}",
            )
        )
    rq = r.get("related_quality", {})
    for labels, named in (("old", "old"), ("audited", "audited")):
        part = rq.get(labels)
        if not part:
            continue
        before, after = part["count_only"], part["relevance_cut_held_out"]
        ceiling = part["ceiling_of_any_cut"]
        out.append(
            (
                f"Related work (extractive), {rq['topics']} topics, {named} labels, held out "
                "(2-fold): precision / recall of cited papers, papers per draft; before (top 12) "
                "-> after (relevance cut); a perfect per-topic cut of the same ranking",
                f"{before['precision']:.2f} / {before['recall']:.2f}, {before['mean_cited']:.1f} -> "
                f"{after['precision']:.2f} / {after['recall']:.2f}, {after['mean_cited']:.1f} "
                f"(all relevant cited in {after['all_relevant_cited']:.0%} of topics; "
                f"citation validity {after['citation_validity']:.2f}; "
                f"median {after['median_draft_s']:.2f} s); "
                f"{ceiling['precision']:.2f} / {ceiling['recall']:.2f}",
            )
        )
    b = r.get("batch_overhead", {})
    if b:
        out.append(
            (
                "Batch overhead per question, replay model: new process, 1 / 4 workers; "
                "warm, 1 worker",
                f"{b['concurrency_1']['per_question_ms']} ms / "
                f"{b['concurrency_4']['per_question_ms']} ms; "
                f"{b['concurrency_1_warm']['per_question_ms']} ms",
            )
        )
    t = r.get("throughput", {})
    if t:
        out.append(
            (
                f"Ingest, {t['papers']} papers ({t['chunks']} chunks), cold / warm",
                f"{t['ingest_cold_papers_per_s']} / {t['ingest_warm_papers_per_s']} papers/s "
                f"(warm without the MPNet stage: {t['ingest_warm_minilm_only_papers_per_s']})",
            )
        )
        out.append(
            (
                "Raw embedding models (MiniLM + MPNet) on the same texts, cold / warm (the limit)",
                f"{t['model_cold_papers_per_s']} / {t['model_warm_papers_per_s']} papers/s",
            )
        )
    ps = r.get("pdf_scale", {})
    if ps:
        x = ps["extrapolated_1000x15"]
        out.append(
            (
                f"PDF pipeline per stage on the {ps['pdfs']} real PDFs ({ps['pages']} pages, "
                f"{ps['chunks']} body chunks): read pages/s; MiniLM, store, MPNet chunks/s",
                f"{ps['read_pages_per_s']}; {ps['minilm_chunks_per_s']}, "
                f"{ps['store_chunks_per_s']}, {ps['mpnet_chunks_per_s']}",
            )
        )
        measured, idle = x["measured_load"], x["idle_estimate"]
        out.append(
            (
                f"Extrapolated: 1,000 PDFs of 15 pages (~{x['chunks']} chunks), full text "
                f"through MiniLM only / also MPNet, minutes: at load {ps['load']}; idle "
                "estimate (CPU time / 2 cores)",
                f"{measured['full_text_minilm_min']} / {measured['full_text_with_mpnet_min']}; "
                f"{idle['full_text_minilm_min']} / {idle['full_text_with_mpnet_min']}",
            )
        )
    st = r.get("startup", {})
    if st:
        out.append(("`litreview --help` wall time (median)", f"{st['help']['median_s']} s"))
        out.append(
            (
                "First `litreview search` in a new process (median)",
                f"{st['first_search']['median_s']} s",
            )
        )
        if "tui_first_screen" in st:
            out.append(
                (
                    "`litreview chat`: new process to an interactive chat screen (median)",
                    f"{st['tui_first_screen']['median_s']} s",
                )
            )
    lat = r.get("latency", {})
    for size in ("264", "100000"):
        for mode in ("hybrid", "dense", "lexical", "hybrid+mmr"):
            v = lat.get(f"{size}/{mode}")
            if v:
                out.append(
                    (
                        f"Query latency p50 / p95, {size} papers, {mode}",
                        f"{v['p50_ms']} ms / {v['p95_ms']} ms",
                    )
                )
    out.extend(scale_rows(r.get("scale", {})))
    return out


def scale_rows(sc: dict[str, Any]) -> list[tuple[str, str]]:
    """``bench.scale``: real-corpus ingest and queries next to the plain-Chroma baseline."""
    out: list[tuple[str, str]] = []
    load = f"{sc.get('load_before', [0])[0]} -> {sc.get('load_after', [0])[0]}"
    for size in sorted((k for k in sc if k.isdigit()), key=int):
        m = sc[size]
        base = m.get("baseline", {})
        ratios = m.get("ratios", {})
        out.append(
            (
                f"Real corpus, {size} papers: time to searchable / to complete; "
                "(baseline: plain Chroma + MiniLM, ratio)",
                f"{m['to_searchable_s']:.0f} s / {m['to_complete_s']:.0f} s; "
                f"({base.get('to_searchable_s', 0):.0f} s, x{ratios.get('to_searchable', 0):.2f}"
                f" / x{ratios.get('to_complete', 0):.2f}; load {load})",
            )
        )
        p2 = m.get("phase2_papers_per_s")
        out.append(
            (
                f"Real corpus, {size} papers: papers/s phase 1 / phase 2; peak RSS (baseline)",
                f"{m['phase1_papers_per_s']:.2f} / {p2 or 0:.2f}; {m['peak_rss_mb']:.0f} MB "
                f"({base.get('peak_rss_mb', 0):.0f} MB)",
            )
        )
        parts = ", ".join(
            f"{k} {v / int(size) / 1024:.1f}" for k, v in sorted(m["disk_bytes"].items())
        )
        out.append(
            (
                f"Real corpus, {size} papers: disk KB per paper (baseline); by store",
                f"{m['disk_kb_per_paper']:.1f} ({base.get('disk_kb_per_paper', 0):.1f}); {parts}",
            )
        )
        q = m["queries"]
        out.append(
            (
                f"Real corpus, {size} papers: query p50 / p95 hybrid, dense, lexical; "
                "first search in a new process",
                "; ".join(f"{q[k]['p50_ms']:.1f} / {q[k]['p95_ms']:.1f} ms" for k in MODES)
                + f"; {m['first_search_s']:.2f} s",
            )
        )
    if "marginal_disk_kb_per_paper" in sc:
        out.append(
            (
                "Real corpus: disk per additional paper (between the two sizes)",
                f"{sc['marginal_disk_kb_per_paper']:.1f} KB",
            )
        )
    return out


MODES = ("hybrid", "dense", "lexical")


def main() -> None:
    results = json.loads((RESULTS / "latest.json").read_text())
    print("| measure | figure |")
    print("|---|---|")
    for label, value in rows(results):
        print(f"| {label} | {value} |")


if __name__ == "__main__":
    main()
