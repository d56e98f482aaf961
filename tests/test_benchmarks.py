"""The benchmark entry point runs end to end on a tiny corpus and writes a table with every row.

Speed targets live in the benchmark itself; this only checks that it runs and reports every row.
"""

from __future__ import annotations

import gzip
import json
import random
import subprocess
import sys
from pathlib import Path

from conftest import REPO

# Invented sentences, six per category, so a topic model has something to separate.
SENTENCES = {
    "culture": [
        "افتتح المتحف الوطني معرضا جديدا للفنون التشكيلية يضم لوحات لفنانين شباب من عدة مدن.",
        "فازت الروائية بجائزة الأدب العربي عن روايتها الثالثة التي تروي قصة عائلة في القرية.",
        "يشارك عشرات المخرجين في مهرجان السينما الذي يعرض أفلاما قصيرة ووثائقية هذا الأسبوع.",
        "أقيمت أمسية شعرية في المسرح القديم حضرها جمهور كبير من محبي الشعر والموسيقى.",
        "أعلنت وزارة الثقافة ترميم مكتبة تاريخية تحتفظ بمخطوطات نادرة وكتب قديمة.",
        "غنت الفرقة الموسيقية ألحانا تراثية في حفل ختام معرض الكتاب الدولي.",
    ],
    "economy": [
        "ارتفعت أسعار النفط في الأسواق العالمية بعد قرار خفض الإنتاج.",
        "أعلن البنك المركزي رفع سعر الفائدة لمواجهة التضخم وتراجع قيمة العملة.",
        "سجلت البورصة مكاسب قوية مع صعود أسهم شركات الطاقة والمصارف.",
        "قالت الحكومة إن عجز الموازنة انخفض بفضل زيادة الصادرات والإيرادات الضريبية.",
        "وقعت الشركة عقدا للاستثمار في مشروع صناعي جديد يوفر آلاف الوظائف.",
        "توقع صندوق النقد نمو الاقتصاد بنسبة معتدلة خلال العام المقبل.",
    ],
    "internationalNews": [
        "عقد الرئيس الأمريكي قمة مع نظيره الروسي لبحث الأزمة في أوروبا.",
        "ضرب زلزال قوي جزيرة في إندونيسيا وأدى إلى انهيار مبان ومقتل العشرات.",
        "أجرت الهند وباكستان محادثات حول الحدود برعاية الأمم المتحدة.",
        "صوت البرلمان الأوروبي على قانون جديد للهجرة واللجوء.",
        "اجتاحت فيضانات عارمة ولاية كيرالا في جنوب الهند وشردت آلاف السكان.",
        "أعلنت اليابان إجلاء السكان قبل وصول الإعصار إلى سواحلها الشرقية.",
    ],
    "middleEast": [
        "التقى وزير الخارجية المصري نظيره الأردني في عمان لبحث الأوضاع في المنطقة.",
        "شهدت العاصمة العراقية بغداد احتجاجات للمطالبة بتحسين الخدمات والكهرباء.",
        "أعلن الجيش اللبناني تعزيز انتشاره على الحدود الجنوبية.",
        "بحث مجلس التعاون الخليجي في الرياض ملفات الأمن الإقليمي.",
        "استأنفت الأطراف اليمنية المفاوضات برعاية المبعوث الأممي.",
        "قالت الحكومة السورية إن قواتها سيطرت على قرى في ريف إدلب.",
    ],
    "sport": [
        "فاز المنتخب الوطني على ضيفه بهدفين دون رد في تصفيات كأس العالم.",
        "سجل المهاجم هدفا رائعا في الدقيقة الأخيرة ليمنح فريقه لقب الدوري.",
        "أعلن النادي تعاقده مع مدرب جديد لقيادة الفريق في الموسم المقبل.",
        "تأهل لاعب التنس إلى نهائي البطولة بعد فوزه في ثلاث مجموعات.",
        "حطمت العداءة الرقم القياسي في سباق المئة متر خلال البطولة القارية.",
        "تعادل الفريقان في مباراة مثيرة أمام جماهير غفيرة ملأت الملعب.",
    ],
    "technology": [
        "كشفت الشركة عن هاتف ذكي جديد بكاميرا متطورة وبطارية تدوم يومين.",
        "حذر خبراء الأمن الإلكتروني من برنامج خبيث يسرق كلمات المرور.",
        "أطلقت وكالة الفضاء قمرا صناعيا لرصد الطقس وتحسين الاتصالات.",
        "طور باحثون تطبيقا يعتمد على الذكاء الاصطناعي لتشخيص الأمراض.",
        "أعلنت منصة التواصل الاجتماعي تحديثا يحمي خصوصية المستخدمين وبياناتهم.",
        "تتنافس شركات التقنية على تطوير سيارات ذاتية القيادة وشبكات الجيل الخامس.",
    ],
}

ROWS = [
    "cleaning throughput",
    "normalisation throughput",
    "embedding throughput",
    "topic-model fit time, ANT sample",
    "topic-model peak memory, ANT sample",
    "topic-model fit time, ANT",
    "topic-model peak memory, ANT",
    "topic-model fit time, all three corpora",
    "topic-model peak memory, all three corpora",
    "theme scoring speed",
    "themes vs gold, security_cooperation",
    "themes vs gold, natural_disasters",
    "how far the scorer's inputs go, security_cooperation",
    "country detection, added to theme scoring",
    "countries vs gold, dev stories",
    "countries vs gold, test stories",
    "report on the bundled sample",
    "articles",
    "fit time (s)",
    "peak memory (MB)",
    "topics",
    "outlier share",
    "NMI vs categories, own topics",
    "ARI vs categories, own topics",
    "homogeneity vs categories, own topics",
    "NPMI coherence, own topics",
    "topic diversity, own topics",
    "NMI vs categories, reduced to 6",
    "ARI vs categories, reduced to 6",
    "homogeneity vs categories, reduced to 6",
]


def _article(rng: random.Random, corpus: str, number: int, category: str | None, topic: str) -> dict:
    paragraphs = ["\n".join(rng.sample(SENTENCES[topic], 3)) for _ in range(3)]
    return {
        "id": f"{corpus}-{topic}-{number}",
        "text": "\n".join(paragraphs),
        "category": category,
        "title": rng.choice(SENTENCES[topic]).rstrip("."),
        "date": f"2018-03-{1 + number % 28:02d}T10:00:00+00:00",
        "source": f"{corpus} outlet {number % 3}",
        "origin": f"test:{corpus}",
        "url": None,
    }


def write_tiny_corpora(folder: Path, *, per_category: int = 8) -> Path:
    """Three corpora in the shared format: a labelled ANT-like one and two unlabelled ones."""
    rng = random.Random(8)
    corpora = {
        "ant-multisource": [_article(rng, "ant", i, t, t) for t in SENTENCES for i in range(per_category)],
        "almayadeen": [_article(rng, "may", i, None, t) for t in SENTENCES for i in range(2)],
        "saudinewsnet": [_article(rng, "snn", i, None, t) for t in SENTENCES for i in range(2)],
    }
    for name, records in corpora.items():
        (folder / name).mkdir(parents=True)
        with gzip.open(folder / name / "articles.jsonl.gz", "wt", encoding="utf-8") as out:
            out.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    (folder / "README.md").write_text("tiny invented corpora for the benchmark smoke test\n", encoding="utf-8")
    return folder


def test_quick_benchmark_writes_a_table_with_every_row(tmp_path):
    corpora = write_tiny_corpora(tmp_path / "corpora")
    output = tmp_path / "RESULTS.md"
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--corpora", str(corpora), "--output", str(output)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    written = output.read_text(encoding="utf-8")
    assert run.stdout.strip() == written.strip()
    table_rows = {line.split("|")[1].strip() for line in written.splitlines() if line.startswith("| ")}
    assert set(ROWS) <= table_rows
    assert "failed" not in written
    assert f"Corpora: `{corpora}`" in written
