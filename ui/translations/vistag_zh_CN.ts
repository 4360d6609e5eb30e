<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>vistag::ui::AskPane</name>
    <message>
        <location filename="../src/ask_pane.cpp" line="33"/>
        <source>Style</source>
        <translation>风格</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="35"/>
        <source>Material</source>
        <translation>材质</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="37"/>
        <source>Season</source>
        <translation>季节</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="39"/>
        <source>Describe</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="148"/>
        <source>Presets…</source>
        <translation>常用问题…</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="151"/>
        <source>Ask about the selected image…</source>
        <translation>就所选图片提问…</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="152"/>
        <source>Ask</source>
        <translation>提问</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="153"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="154"/>
        <source>Add as tag…</source>
        <translation>添加为标签…</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="155"/>
        <source>Open the tag editor&apos;s add box with the selected words</source>
        <translation>用所选文字打开标签编辑器的添加框</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="103"/>
        <source>First words after %1 ms</source>
        <translation>%1 毫秒后开始回答</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="116"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="123"/>
        <source>%1 tokens · %2 tokens/s · %3 ms%4</source>
        <translation>%1 个词元 · %2 词元/秒 · %3 毫秒%4</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="127"/>
        <source> · stopped</source>
        <translation> · 已停止</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="250"/>
        <source>Add the tag %1: %2</source>
        <translation>添加标签 %1：%2</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="274"/>
        <source>Tags in this answer (click to add to the image):</source>
        <translation>回答中的标签（点击即可添加到图片）：</translation>
    </message>
    <message>
        <location filename="../src/ask_pane.cpp" line="299"/>
        <source>Thinking…</source>
        <translation>正在思考…</translation>
    </message>
</context>
<context>
    <name>vistag::ui::BatchPanel</name>
    <message>
        <location filename="../src/batch_panel.cpp" line="26"/>
        <source>about %1 s left</source>
        <translation>约剩 %1 秒</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="28"/>
        <source>about %1 min left</source>
        <translation>约剩 %1 分钟</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="29"/>
        <source>about %1 h %2 min left</source>
        <translation>约剩 %1 小时 %2 分钟</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="81"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="82"/>
        <source>Stop tagging; the images not done yet stay queued</source>
        <translation>停止打标；尚未处理的图片仍留在队列中</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="83"/>
        <source>Discard</source>
        <translation>放弃</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="84"/>
        <source>Forget the unfinished tagging batch</source>
        <translation>放弃未完成的打标批次</translation>
    </message>
    <message numerus="yes">
        <location filename="../src/batch_panel.cpp" line="108"/>
        <source>Resume tagging (%n left)</source>
        <translation>
            <numerusform>继续打标（剩 %n 张）</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="113"/>
        <source>Unfinished tagging:</source>
        <translation>未完成的打标：</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="126"/>
        <location filename="../src/batch_panel.cpp" line="223"/>
        <source>Tagging is already running.</source>
        <translation>打标已在进行中。</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="130"/>
        <source>Choose a model or a server first, then run tagging.</source>
        <translation>请先选择模型或服务器，再运行打标。</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="134"/>
        <source>There are no images to tag.</source>
        <translation>没有需要打标的图片。</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="167"/>
        <source>Every image has tags already.</source>
        <translation>所有图片都已有标签。</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="177"/>
        <source>Choose a model or a server first, then resume tagging.</source>
        <translation>请先选择模型或服务器，再继续打标。</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="233"/>
        <source>Tagging…</source>
        <translation>正在打标…</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="261"/>
        <source>Tagging %1 / %2</source>
        <translation>打标 %1 / %2</translation>
    </message>
    <message numerus="yes">
        <location filename="../src/batch_panel.cpp" line="266"/>
        <source>%n failed</source>
        <translation>
            <numerusform>%n 张失败</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="285"/>
        <source>Tagging stopped: %1</source>
        <translation>打标已停止：%1</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="304"/>
        <source>No image failed its last tagging.</source>
        <translation>没有图片在最近一次打标中失败。</translation>
    </message>
    <message>
        <location filename="../src/batch_panel.cpp" line="314"/>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
</context>
<context>
    <name>vistag::ui::BulkTagDialog</name>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="41"/>
        <source>Find and replace tags</source>
        <translation>查找并替换标签</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="42"/>
        <source>Edit tags of many images</source>
        <translation>批量编辑标签</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="44"/>
        <source>Add the tag</source>
        <translation>添加标签</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="45"/>
        <source>Remove the tag</source>
        <translation>移除标签</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="46"/>
        <source>Replace the value</source>
        <translation>替换取值</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="53"/>
        <source>with</source>
        <translation>替换为</translation>
    </message>
    <message numerus="yes">
        <location filename="../src/bulk_tag_dialog.cpp" line="56"/>
        <source>the %n selected image(s)</source>
        <translation>
            <numerusform>所选的 %n 张图片</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="57"/>
        <source>the whole catalogue</source>
        <translation>整个商品图库</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="72"/>
        <source>Views of one product (a SKU group) share one tag set: the edit reaches all of them. A replaced value is kept as rejected, so the model does not suggest it again.</source>
        <translation>同一商品（SKU 组）的多个视图共用一套标签：编辑会作用于所有视图。被替换的取值会保留为“已拒绝”，模型不会再次建议它。</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="79"/>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="84"/>
        <source>Operation</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="85"/>
        <source>Attribute</source>
        <translation>属性</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="86"/>
        <source>Value</source>
        <translation>取值</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="88"/>
        <source>On</source>
        <translation>范围</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="141"/>
        <source>Choose the value.</source>
        <translation>请选择取值。</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="146"/>
        <source>Choose the value to replace it with.</source>
        <translation>请选择替换后的取值。</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="198"/>
        <source>Nothing to change: no image in scope needs this edit.</source>
        <translation>无需更改：范围内没有图片需要这项编辑。</translation>
    </message>
    <message numerus="yes">
        <location filename="../src/bulk_tag_dialog.cpp" line="202"/>
        <source>%n image(s)</source>
        <translation>
            <numerusform>%n 张图片</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="205"/>
        <source>Adds or accepts the tag on %1 (%2 tag set(s)).</source>
        <translation>将在 %1 上添加或接受该标签（%2 套标签）。</translation>
    </message>
    <message numerus="yes">
        <location filename="../src/bulk_tag_dialog.cpp" line="210"/>
        <source>Removes %n tag(s) from %1.</source>
        <translation>
            <numerusform>将从 %1 移除 %n 个标签。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../src/bulk_tag_dialog.cpp" line="213"/>
        <source>Replaces %n tag(s) on %1.</source>
        <translation>
            <numerusform>将替换 %1 上的 %n 个标签。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="235"/>
        <source>Add %1: %2 to many images</source>
        <translation>批量添加 %1：%2</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="237"/>
        <source>Remove %1: %2 from many images</source>
        <translation>批量移除 %1：%2</translation>
    </message>
    <message>
        <location filename="../src/bulk_tag_dialog.cpp" line="239"/>
        <source>Replace %1: %2 with %3</source>
        <translation>将 %1：%2 替换为 %3</translation>
    </message>
</context>
<context>
    <name>vistag::ui::CatalogModel</name>
    <message>
        <location filename="../src/catalog_model.cpp" line="145"/>
        <source>Tagging failed: %1</source>
        <translation>打标失败：%1</translation>
    </message>
</context>
<context>
    <name>vistag::ui::CatalogPane</name>
    <message>
        <location filename="../src/catalog_pane.cpp" line="69"/>
        <source>queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="73"/>
        <source>tagging…</source>
        <translation>打标中…</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="77"/>
        <source>tagged</source>
        <translation>已打标</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="81"/>
        <source>skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="85"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="222"/>
        <source>Search file names</source>
        <translation>搜索文件名</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="223"/>
        <source>All images</source>
        <translation>全部图片</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="224"/>
        <source>New</source>
        <translation>新图片</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="225"/>
        <source>Suggested</source>
        <translation>待审核</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="226"/>
        <source>Reviewed</source>
        <translation>已审核</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="227"/>
        <source>Accepted by a rule</source>
        <translation>规则已接受</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="228"/>
        <source>Tagging failed</source>
        <translation>打标失败</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="229"/>
        <location filename="../src/catalog_pane.cpp" line="230"/>
        <source>Add images…</source>
        <translation>添加图片…</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="231"/>
        <source>Filter by a tag&apos;s attribute</source>
        <translation>按标签属性筛选</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="242"/>
        <source>Any category</source>
        <translation>任意类目</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="246"/>
        <location filename="../src/catalog_pane.cpp" line="279"/>
        <source>Any tag</source>
        <translation>任意标签</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="394"/>
        <source>Category: %1</source>
        <translation>类目：%1</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="397"/>
        <source>Category…</source>
        <translation>类目…</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="398"/>
        <source>Images of %1 and every category below it</source>
        <translation>%1 及其下所有类目的图片</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="400"/>
        <source>Show only the images of one category and its subcategories</source>
        <translation>只显示某一类目及其子类目的图片</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="232"/>
        <source>has</source>
        <translation>有</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="233"/>
        <source>lacks</source>
        <translation>缺少</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="234"/>
        <source>any value</source>
        <translation>任意取值</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="235"/>
        <source>Filter by a tag value (pick one or type its name)</source>
        <translation>按标签取值筛选（选择或输入名称）</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="236"/>
        <source>Order of the images</source>
        <translation>图片排序</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="237"/>
        <source>Oldest first</source>
        <translation>最早添加在前</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="238"/>
        <source>Newest first</source>
        <translation>最新添加在前</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="239"/>
        <source>Name</source>
        <translation>文件名</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="240"/>
        <source>Review state</source>
        <translation>审核状态</translation>
    </message>
    <message>
        <location filename="../src/catalog_pane.cpp" line="241"/>
        <source>Least certain first</source>
        <translation>最不确定的在前</translation>
    </message>
</context>
<context>
    <name>vistag::ui::CategoryPicker</name>
    <message>
        <location filename="../src/category_picker.cpp" line="117"/>
        <source>Category</source>
        <translation>类目</translation>
    </message>
    <message>
        <location filename="../src/category_picker.cpp" line="215"/>
        <source>Choose a category</source>
        <translation>选择类目</translation>
    </message>
    <message>
        <location filename="../src/category_picker.cpp" line="216"/>
        <source>Search categories: name, code or path, in any language</source>
        <translation>搜索类目：名称、代码或路径，任何语言均可</translation>
    </message>
    <message numerus="yes">
        <location filename="../src/category_picker.cpp" line="257"/>
        <source>%n categories</source>
        <translation>
            <numerusform>%n 个类目</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../src/category_picker.cpp" line="259"/>
        <source>No category matches “%1”</source>
        <translation>没有与“%1”匹配的类目</translation>
    </message>
</context>
<context>
    <name>vistag::ui::ErrorText</name>
    <message>
        <location filename="../src/error_text.cpp" line="9"/>
        <source>There is not enough memory for this model or this request.
What to try: a smaller pixel budget (Tools → Settings → Generation), fewer images at once, running on the CPU (Settings → Model → Device), or a smaller Qwen3-VL model (2B or 4B).</source>
        <translation>内存不足，无法运行此模型或此请求。
可以尝试：调小像素预算（工具 → 设置 → 生成）、一次少用几张图片、改用 CPU 运行（设置 → 模型 → 设备），或换用更小的 Qwen3-VL 模型（2B 或 4B）。</translation>
    </message>
    <message>
        <location filename="../src/error_text.cpp" line="16"/>
        <source>Loading the model was cancelled.</source>
        <translation>已取消加载模型。</translation>
    </message>
    <message>
        <location filename="../src/error_text.cpp" line="25"/>
        <source>the image is in the team&apos;s shared image folder, which is not set on this workstation (Settings → Shared image folder)</source>
        <translation>图片位于团队共享图片文件夹中，但本工作站未设置该文件夹（设置 → 共享图片文件夹）</translation>
    </message>
    <message>
        <location filename="../src/error_text.cpp" line="32"/>
        <source>the image file is no longer where it was added</source>
        <translation>图片文件已不在添加时的位置</translation>
    </message>
    <message>
        <location filename="../src/error_text.cpp" line="37"/>
        <source>the image file is damaged, truncated or not an image</source>
        <translation>图片文件已损坏、不完整或不是图片</translation>
    </message>
    <message>
        <location filename="../src/error_text.cpp" line="41"/>
        <source>there was not enough memory (try a smaller pixel budget in Settings)</source>
        <translation>内存不足（请在设置中减小像素预算）</translation>
    </message>
    <message>
        <location filename="../src/error_text.cpp" line="46"/>
        <source>the model&apos;s answer held no tags</source>
        <translation>模型的回答中没有标签</translation>
    </message>
    <message>
        <location filename="../src/error_text.cpp" line="48"/>
        <source>the image and prompt are too long for the model (try a smaller pixel budget in Settings)</source>
        <translation>图片和提示对模型来说太长（请在设置中减小像素预算）</translation>
    </message>
    <message>
        <location filename="../src/error_text.cpp" line="54"/>
        <source>the inference server did not answer properly</source>
        <translation>推理服务器没有正常应答</translation>
    </message>
</context>
<context>
    <name>vistag::ui::ExportDialog</name>
    <message>
        <location filename="../src/export_dialog.cpp" line="98"/>
        <source>Export tags</source>
        <translation>导出标签</translation>
    </message>
    <message>
        <location filename="../src/export_dialog.cpp" line="99"/>
        <source>CSV table (Merchant Center columns)</source>
        <translation>CSV 表格（Merchant Center 列名）</translation>
    </message>
    <message>
        <location filename="../src/export_dialog.cpp" line="100"/>
        <source>JSON Lines (one product per line)</source>
        <translation>JSON Lines（每行一个商品）</translation>
    </message>
    <message>
        <location filename="../src/export_dialog.cpp" line="101"/>
        <source>Text sidecars (photo.txt)</source>
        <translation>文本附属文件（photo.txt）</translation>
    </message>
    <message>
        <location filename="../src/export_dialog.cpp" line="102"/>
        <source>XMP sidecars (photo.jpg.xmp, for Lightroom and Bridge)</source>
        <translation>XMP 附属文件（photo.jpg.xmp，供 Lightroom 和 Bridge 使用）</translation>
    </message>
    <message>
        <location filename="../src/export_dialog.cpp" line="105"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../src/export_dialog.cpp" line="106"/>
        <source>Write each sidecar beside its image</source>
        <translation>将附属文件写在各自图片旁边</translation>
    </message>
    <message>
        <location filename="../src/export_dialog.cpp" line="107"/>
        <source>Only the selected images (%1)</source>
        <translation>仅所选图片（%1 张）</translation>
    </message>
    <message>
        <location filename="../src/export_dialog.cpp" line="108"/>
        <source>The whole catalogue</source>
        <translation>整个图库</translation>
    </message>
    <message>
        <location filename="../src/export_dialog.cpp" line="109"/>
        <source>Include suggestions nobody has accepted yet</source>
        <translation>包括尚未被接受的建议</translation>
    </message>
    <message>
        <location filename="../src/export_dialog.cpp" line="110"/>
        <source>One row per product (SKU group)</source>
        <translation>每个商品（SKU 组）一行</translation>
    </message>
    <message>
        <location filename="../src/export_dialog.cpp" line="111"/>
        <source>English</source>
        <translation>英文</translation>
    </message>
    <message>
        <location filename="../src/export_dialog.cpp" line="112"/>
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <location filename="../src/export_dialog.cpp" line="117"/>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <location filename="../src/export_dialog.cpp" line="118"/>
        <source>Save to:</source>
        <translation>保存到：</translation>
    </message>
    <message>
        <location filename="../src/export_dialog.cpp" line="119"/>
        <source>Images:</source>
        <translation>图片：</translation>
    </message>
    <message>
        <location filename="../src/export_dialog.cpp" line="120"/>
        <source>Label language:</source>
        <translation>标签语言：</translation>
    </message>
    <message>
        <location filename="../src/export_dialog.cpp" line="121"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../src/export_dialog.cpp" line="142"/>
        <source>A folder for the sidecar files</source>
        <translation>存放附属文件的文件夹</translation>
    </message>
    <message>
        <location filename="../src/export_dialog.cpp" line="143"/>
        <source>The file to write</source>
        <translation>要写入的文件</translation>
    </message>
    <message>
        <location filename="../src/export_dialog.cpp" line="150"/>
        <source>Folder for the sidecars</source>
        <translation>附属文件的文件夹</translation>
    </message>
    <message>
        <location filename="../src/export_dialog.cpp" line="156"/>
        <source>Export to</source>
        <translation>导出到</translation>
    </message>
    <message>
        <location filename="../src/export_dialog.cpp" line="158"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../src/export_dialog.cpp" line="159"/>
        <source>JSON Lines files (*.jsonl)</source>
        <translation>JSON Lines 文件 (*.jsonl)</translation>
    </message>
    <message>
        <location filename="../src/export_dialog.cpp" line="167"/>
        <source>Choose a folder for the sidecars.</source>
        <translation>请选择存放附属文件的文件夹。</translation>
    </message>
    <message>
        <location filename="../src/export_dialog.cpp" line="168"/>
        <source>Choose the file to write.</source>
        <translation>请选择要写入的文件。</translation>
    </message>
</context>
<context>
    <name>vistag::ui::ImageViewer</name>
    <message>
        <location filename="../src/image_viewer.cpp" line="25"/>
        <source>The image is too large to show (%1 × %2 pixels).</source>
        <translation>图片太大，无法显示（%1 × %2 像素）。</translation>
    </message>
    <message>
        <location filename="../src/image_viewer.cpp" line="33"/>
        <source>The image could not be read: %1</source>
        <translation>无法读取图片：%1</translation>
    </message>
    <message>
        <location filename="../src/image_viewer.cpp" line="219"/>
        <source>Select an image to see it here</source>
        <translation>选择一张图片即可在此查看大图</translation>
    </message>
    <message>
        <location filename="../src/image_viewer.cpp" line="220"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../src/image_viewer.cpp" line="246"/>
        <source>Fit · %1 %</source>
        <translation>适应窗口 · %1%</translation>
    </message>
    <message>
        <location filename="../src/image_viewer.cpp" line="247"/>
        <source>%1 %</source>
        <translation>%1%</translation>
    </message>
</context>
<context>
    <name>vistag::ui::LogPanel</name>
    <message>
        <location filename="../src/log_panel.cpp" line="55"/>
        <source>The log is not written to a file.</source>
        <translation>日志未写入文件。</translation>
    </message>
    <message>
        <location filename="../src/log_panel.cpp" line="56"/>
        <source>Log file: %1</source>
        <translation>日志文件：%1</translation>
    </message>
    <message>
        <location filename="../src/log_panel.cpp" line="57"/>
        <source>Open the log folder</source>
        <translation>打开日志文件夹</translation>
    </message>
    <message>
        <location filename="../src/log_panel.cpp" line="58"/>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
</context>
<context>
    <name>vistag::ui::MainWindow</name>
    <message>
        <location filename="../src/main_window_file.cpp" line="26"/>
        <source>Vistag — product image review</source>
        <translation>Vistag — 商品图片审核</translation>
    </message>
    <message>
        <location filename="../src/main_window_file.cpp" line="27"/>
        <source>Vistag — product image review — %1</source>
        <translation>Vistag — 商品图片审核 — %1</translation>
    </message>
    <message>
        <location filename="../src/main_window_file.cpp" line="34"/>
        <source>Open a catalogue</source>
        <translation>打开图库</translation>
    </message>
    <message>
        <location filename="../src/main_window_file.cpp" line="34"/>
        <source>Catalogues (*.sqlite *.db);;All files (*)</source>
        <translation>图库 (*.sqlite *.db);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../src/main_window_file.cpp" line="43"/>
        <source>New catalogue</source>
        <translation>新建图库</translation>
    </message>
    <message>
        <location filename="../src/main_window_file.cpp" line="44"/>
        <source>catalogue</source>
        <translation>图库</translation>
    </message>
    <message>
        <location filename="../src/main_window_file.cpp" line="45"/>
        <source>Catalogues (*.sqlite)</source>
        <translation>图库 (*.sqlite)</translation>
    </message>
    <message>
        <location filename="../src/main_window_file.cpp" line="52"/>
        <source>%1 already exists; use File → Open catalogue… to open it.</source>
        <translation>%1 已存在；请用“文件 → 打开图库…”打开它。</translation>
    </message>
    <message>
        <location filename="../src/main_window_file.cpp" line="80"/>
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
    <message>
        <location filename="../src/main_window_file.cpp" line="98"/>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <location filename="../src/main_window_file.cpp" line="128"/>
        <source>Export failed; earlier files were left as they were.</source>
        <translation>导出失败；之前的文件保持原样。</translation>
    </message>
    <message>
        <location filename="../src/main_window_file.cpp" line="129"/>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <location filename="../src/main_window_file.cpp" line="130"/>
        <source>The tags could not be written. Files written before were left as they were.</source>
        <translation>标签未能写入。之前写入的文件保持原样。</translation>
    </message>
    <message>
        <location filename="../src/main_window_file.cpp" line="142"/>
        <source>beside the images</source>
        <translation>图片旁边</translation>
    </message>
    <message numerus="yes">
        <location filename="../src/main_window_file.cpp" line="147"/>
        <source>Exported %n sidecar file(s) to %1</source>
        <translation>
            <numerusform>已导出 %n 个附属文件到 %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../src/main_window_file.cpp" line="148"/>
        <source>Exported %n row(s) to %1</source>
        <translation>
            <numerusform>已导出 %n 行到 %1</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../src/main_window_file.cpp" line="161"/>
        <source>Tagging is running; the images not done yet stay queued and can be resumed later.</source>
        <translation>正在打标；尚未完成的图片会留在队列中，之后可以继续。</translation>
    </message>
    <message>
        <location filename="../src/main_window_file.cpp" line="165"/>
        <source>This model is shared with other workstations; they lose it when Vistag closes.</source>
        <translation>此模型正共享给其他工作站；Vistag 关闭后它们将无法使用。</translation>
    </message>
    <message>
        <location filename="../src/main_window_file.cpp" line="168"/>
        <source>Quit Vistag?</source>
        <translation>退出 Vistag？</translation>
    </message>
    <message>
        <location filename="../src/main_window_file.cpp" line="171"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../src/main_window_file.cpp" line="172"/>
        <source>Keep working</source>
        <translation>继续工作</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="215"/>
        <source>Loading the model: %1% (%2)</source>
        <translation>正在加载模型：%1%（%2）</translation>
    </message>
    <message>
        <location filename="../src/main_window_backend.cpp" line="212"/>
        <source>Model %1 is ready</source>
        <translation>模型 %1 已就绪</translation>
    </message>
    <message>
        <location filename="../src/main_window_backend.cpp" line="213"/>
        <source>Model %1 is ready. Drop product images here.</source>
        <translation>模型 %1 已就绪。请把商品图片拖到这里。</translation>
    </message>
    <message>
        <location filename="../src/main_window_backend.cpp" line="195"/>
        <source>The model could not be loaded: %1</source>
        <translation>无法加载模型：%1</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="121"/>
        <source>Tag added from the answer</source>
        <translation>已从回答添加标签</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="192"/>
        <source>Tagging cancelled; the rest stays queued</source>
        <translation>打标已取消；其余图片仍在队列中</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="193"/>
        <source>Tagging finished</source>
        <translation>打标完成</translation>
    </message>
    <message numerus="yes">
        <location filename="../src/main_window.cpp" line="194"/>
        <source>%n tagged</source>
        <translation>
            <numerusform>%n 张已打标</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../src/main_window.cpp" line="196"/>
        <source>%n skipped</source>
        <translation>
            <numerusform>%n 张已跳过</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../src/main_window.cpp" line="199"/>
        <source>%n failed (filter “Tagging failed” to see why; Tagging → Retry)</source>
        <translation>
            <numerusform>%n 张失败（用“打标失败”筛选查看原因；打标 → 重试）</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="221"/>
        <location filename="../src/main_window.cpp" line="226"/>
        <source>Shared at %1</source>
        <translation>已共享：%1</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="238"/>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="254"/>
        <source>Stop loading the model</source>
        <translation>停止加载模型</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="259"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="280"/>
        <source>Tag schema: enforced</source>
        <translation>标签结构：服务器强制遵守</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="283"/>
        <source>Tag schema: not enforced (answers are checked)</source>
        <translation>标签结构：服务器未强制（回答在本地检查）</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="286"/>
        <source>Tag schema: not sent (answers are checked)</source>
        <translation>标签结构：未发送（回答在本地检查）</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="290"/>
        <source>Tag schema: refused by the server — choose another structured output in Settings</source>
        <translation>标签结构：服务器拒绝——请在设置中选择其他结构化输出方式</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="294"/>
        <source>Tag schema: not checked (answers are checked)</source>
        <translation>标签结构：尚未探测（回答在本地检查）</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="311"/>
        <source>GPU: %1</source>
        <translation>GPU：%1</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="312"/>
        <source>No GPU found — the model runs on the CPU</source>
        <translation>未找到 GPU — 模型将在 CPU 上运行</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="317"/>
        <source>No model selected</source>
        <translation>尚未选择模型</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="330"/>
        <source>The taxonomy of Settings → Taxonomy could not be read; the built-in one is used.
%1</source>
        <translation>无法读取“设置 → 分类体系”中的分类体系，改用内置分类体系。
%1</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="403"/>
        <source>Every image after this one is reviewed</source>
        <translation>之后的图片都已审核</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="39"/>
        <source>Next image</source>
        <translation>下一张图片</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="40"/>
        <source>Previous image</source>
        <translation>上一张图片</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="41"/>
        <source>Next unreviewed image</source>
        <translation>下一张未审核图片</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="43"/>
        <source>Accept all suggestions and go to the next image</source>
        <translation>接受全部建议并转到下一张</translation>
    </message>
    <message>
        <location filename="../src/main_window_backend.cpp" line="191"/>
        <source>The model could not be loaded. %1</source>
        <translation>无法加载模型。%1</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="457"/>
        <source>Select the images to tag first.</source>
        <translation>请先选择要打标的图片。</translation>
    </message>
    <message>
        <location filename="../src/main_window_import.cpp" line="36"/>
        <source>Saving the pasted image…</source>
        <translation>正在保存粘贴的图片…</translation>
    </message>
    <message>
        <location filename="../src/main_window_backend.cpp" line="217"/>
        <source>Loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="58"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="60"/>
        <source>&amp;Add images…</source>
        <translation>添加图片(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="62"/>
        <source>&amp;Export tags…</source>
        <translation>导出标签(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="68"/>
        <source>&amp;Open catalogue…</source>
        <translation>打开图库(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="71"/>
        <source>&amp;New catalogue…</source>
        <translation>新建图库(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="75"/>
        <source>Use a &amp;model folder…</source>
        <translation>使用模型文件夹(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="77"/>
        <source>Connect to a &amp;server…</source>
        <translation>连接服务器(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="79"/>
        <source>&amp;Download a model…</source>
        <translation>下载模型(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="82"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="102"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="107"/>
        <source>&amp;Paste image</source>
        <translation>粘贴图片(&amp;P)</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="109"/>
        <source>&amp;Tags</source>
        <translation>标签(&amp;T)</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="118"/>
        <source>&amp;Tag the selected images</source>
        <translation>为所选图片打标(&amp;T)</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="121"/>
        <source>Tag every &amp;untagged image</source>
        <translation>为所有未打标图片打标(&amp;U)</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="124"/>
        <source>Retry the &amp;failed images</source>
        <translation>重试失败的图片(&amp;F)</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="127"/>
        <source>&amp;Resume unfinished tagging</source>
        <translation>继续未完成的打标(&amp;R)</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="130"/>
        <source>&amp;Cancel tagging</source>
        <translation>取消打标(&amp;C)</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="133"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="135"/>
        <source>&amp;Log</source>
        <translation>日志(&amp;L)</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="137"/>
        <source>&amp;Fit to window</source>
        <translation>适应窗口(&amp;F)</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="140"/>
        <source>&amp;Actual size (100 %)</source>
        <translation>实际大小（100%）(&amp;A)</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="143"/>
        <source>Zoom &amp;in</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="147"/>
        <source>Zoom &amp;out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="154"/>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="163"/>
        <source>S&amp;hare this model…</source>
        <translation>共享此模型(&amp;H)…</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="166"/>
        <source>Model &amp;quality…</source>
        <translation>模型质量(&amp;Q)…</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="169"/>
        <source>&amp;Review rules…</source>
        <translation>审核规则(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="172"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="174"/>
        <source>&amp;Taxonomy: categories, attributes, values…</source>
        <translation>分类体系：类目、属性、取值(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="184"/>
        <source>&amp;About Vistag</source>
        <translation>关于 Vistag(&amp;A)</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="181"/>
        <source>About Vistag</source>
        <translation>关于 Vistag</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="116"/>
        <source>Ta&amp;gging</source>
        <translation>打标(&amp;G)</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="152"/>
        <source>T&amp;ools</source>
        <translation>工具(&amp;O)</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="197"/>
        <source>&amp;Add a tag to the selected images…</source>
        <translation>为所选图片添加标签(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="199"/>
        <source>&amp;Remove a tag from the selected images…</source>
        <translation>从所选图片移除标签(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="203"/>
        <source>Re&amp;place a tag on the selected images…</source>
        <translation>替换所选图片的标签(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../src/main_window_menus.cpp" line="206"/>
        <source>&amp;Find and replace tags…</source>
        <translation>查找并替换标签(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="480"/>
        <location filename="../src/main_window_file.cpp" line="67"/>
        <source>The catalogue is not open.</source>
        <translation>商品图库未打开。</translation>
    </message>
    <message numerus="yes">
        <location filename="../src/main_window.cpp" line="493"/>
        <source>%1 — %n image(s) changed</source>
        <translation>
            <numerusform>%1 — 已更改 %n 张图片</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../src/main_window_backend.cpp" line="229"/>
        <source>Choose a Qwen3-VL model folder</source>
        <translation>选择 Qwen3-VL 模型文件夹</translation>
    </message>
    <message>
        <location filename="../src/main_window_backend.cpp" line="167"/>
        <location filename="../src/main_window_backend.cpp" line="233"/>
        <source>Loading %1 …</source>
        <translation>正在加载 %1 …</translation>
    </message>
    <message>
        <location filename="../src/main_window_backend.cpp" line="104"/>
        <source>The catalogue changes once the images being added are in and tagging has stopped.</source>
        <translation>正在添加的图片入库、打标停止后，将切换到新的商品图库。</translation>
    </message>
    <message>
        <location filename="../src/main_window_backend.cpp" line="143"/>
        <source>Catalogue %1 is open</source>
        <translation>已打开商品图库 %1</translation>
    </message>
    <message>
        <location filename="../src/main_window_backend.cpp" line="239"/>
        <source>Connect to a server</source>
        <translation>连接服务器</translation>
    </message>
    <message>
        <location filename="../src/main_window_backend.cpp" line="244"/>
        <source>the server&apos;s first model</source>
        <translation>服务器的第一个模型</translation>
    </message>
    <message>
        <location filename="../src/main_window_backend.cpp" line="246"/>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <location filename="../src/main_window_backend.cpp" line="247"/>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location filename="../src/main_window_backend.cpp" line="248"/>
        <source>Model name</source>
        <translation>模型名称</translation>
    </message>
    <message>
        <location filename="../src/main_window_backend.cpp" line="264"/>
        <source>Connecting to %1 …</source>
        <translation>正在连接 %1 …</translation>
    </message>
    <message>
        <location filename="../src/main_window_backend.cpp" line="273"/>
        <location filename="../src/main_window_backend.cpp" line="309"/>
        <source>Download a model</source>
        <translation>下载模型</translation>
    </message>
    <message>
        <location filename="../src/main_window_backend.cpp" line="277"/>
        <source>ModelScope</source>
        <translation>魔搭 ModelScope</translation>
    </message>
    <message>
        <location filename="../src/main_window_backend.cpp" line="279"/>
        <source>default, or a mirror such as https://hf-mirror.com</source>
        <translation>默认，或镜像站，例如 https://hf-mirror.com</translation>
    </message>
    <message>
        <location filename="../src/main_window_backend.cpp" line="283"/>
        <source>Repository</source>
        <translation>模型仓库</translation>
    </message>
    <message>
        <location filename="../src/main_window_backend.cpp" line="284"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../src/main_window_backend.cpp" line="285"/>
        <source>Mirror</source>
        <translation>镜像</translation>
    </message>
    <message>
        <location filename="../src/main_window_backend.cpp" line="286"/>
        <source>Save to</source>
        <translation>保存到</translation>
    </message>
    <message>
        <location filename="../src/main_window_backend.cpp" line="304"/>
        <source>A download is already running.</source>
        <translation>已有下载正在进行。</translation>
    </message>
    <message>
        <location filename="../src/main_window_backend.cpp" line="308"/>
        <source>Downloading %1 …</source>
        <translation>正在下载 %1 …</translation>
    </message>
    <message>
        <location filename="../src/main_window.cpp" line="253"/>
        <location filename="../src/main_window_backend.cpp" line="308"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../src/main_window_backend.cpp" line="321"/>
        <source>File %1 of %2: %3</source>
        <translation>第 %1/%2 个文件：%3</translation>
    </message>
    <message>
        <location filename="../src/main_window_backend.cpp" line="331"/>
        <source>The download was cancelled; start it again to resume.</source>
        <translation>下载已取消；再次开始即可继续。</translation>
    </message>
    <message>
        <location filename="../src/main_window_backend.cpp" line="332"/>
        <source>The download failed: %1</source>
        <translation>下载失败：%1</translation>
    </message>
    <message>
        <location filename="../src/main_window_import.cpp" line="59"/>
        <source>the file cannot be read</source>
        <translation>无法读取该文件</translation>
    </message>
    <message>
        <location filename="../src/main_window_import.cpp" line="61"/>
        <source>the file is empty (0 bytes)</source>
        <translation>文件是空的（0 字节）</translation>
    </message>
    <message>
        <location filename="../src/main_window_import.cpp" line="63"/>
        <source>not an image (or a format Vistag cannot read)</source>
        <translation>不是图片（或 Vistag 无法读取的格式）</translation>
    </message>
    <message>
        <location filename="../src/main_window_import.cpp" line="65"/>
        <source>the image is truncated: the file ends before the picture does</source>
        <translation>图片不完整：文件在图像结束之前就断了</translation>
    </message>
    <message>
        <location filename="../src/main_window_import.cpp" line="75"/>
        <source>Add images</source>
        <translation>添加图片</translation>
    </message>
    <message>
        <location filename="../src/main_window_import.cpp" line="76"/>
        <source>Images (*.jpg *.jpeg *.png *.webp *.bmp *.gif *.tif *.tiff)</source>
        <translation>图片 (*.jpg *.jpeg *.png *.webp *.bmp *.gif *.tif *.tiff)</translation>
    </message>
    <message>
        <location filename="../src/main_window_import.cpp" line="81"/>
        <source>Add this &amp;folder</source>
        <translation>添加此文件夹(&amp;F)</translation>
    </message>
    <message>
        <location filename="../src/main_window_import.cpp" line="108"/>
        <source>The catalogue is not open, so images cannot be added.</source>
        <translation>商品图库未打开，无法添加图片。</translation>
    </message>
    <message>
        <location filename="../src/main_window_import.cpp" line="112"/>
        <source>Adding images…</source>
        <translation>正在添加图片…</translation>
    </message>
    <message numerus="yes">
        <location filename="../src/main_window_import.cpp" line="135"/>
        <source>Added %n image(s); %1 could not be read</source>
        <translation>
            <numerusform>已添加 %n 张图片；%1 个文件无法读取</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../src/main_window_import.cpp" line="137"/>
        <source>Added %n image(s)</source>
        <translation>
            <numerusform>已添加 %n 张图片</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../src/main_window_import.cpp" line="149"/>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <location filename="../src/main_window_import.cpp" line="150"/>
        <source>Some files were not added</source>
        <translation>部分文件未添加</translation>
    </message>
    <message numerus="yes">
        <location filename="../src/main_window_import.cpp" line="151"/>
        <source>%n file(s) could not be added: the model cannot use them.</source>
        <translation>
            <numerusform>%n 个文件未能添加：模型无法使用它们。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../src/clipboard_import.cpp" line="40"/>
        <location filename="../src/main_window_import.cpp" line="33"/>
        <source>The clipboard holds no image.</source>
        <translation>剪贴板中没有图片。</translation>
    </message>
    <message>
        <location filename="../src/clipboard_import.cpp" line="51"/>
        <source>The folder %1 could not be created.</source>
        <translation>无法创建文件夹 %1。</translation>
    </message>
    <message>
        <location filename="../src/clipboard_import.cpp" line="59"/>
        <source>The pasted image could not be saved to %1: %2</source>
        <translation>无法把粘贴的图片保存到 %1：%2</translation>
    </message>
</context>
<context>
    <name>vistag::ui::QualityView</name>
    <message>
        <location filename="../src/quality_view.cpp" line="111"/>
        <source>Write the quality report</source>
        <translation>写出质量报告</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="113"/>
        <source>Web page (*.html)</source>
        <translation>网页 (*.html)</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="118"/>
        <source>Quality report</source>
        <translation>质量报告</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="172"/>
        <source>No reviewed suggestions yet: accept, fix or reject some (or import answers you have with vistag-cli review import) to measure the model.</source>
        <translation>尚无已审核的建议：请先接受、修改或拒绝一些建议（或用 vistag-cli review import 导入已有答案），再衡量模型。</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="176"/>
        <source>%1 suggestions reviewed, %2 accepted unchanged (%3). The lower bound is the precision one can rely on with 95 % confidence given how many reviews there are.</source>
        <translation>已审核 %1 条建议，其中 %2 条原样接受（%3）。下限是在现有审核数量下以 95% 置信度可以信赖的精确率。</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="194"/>
        <source>%1: accepted, fixed, rejected</source>
        <translation>%1：接受、修改、拒绝</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="200"/>
        <location filename="../src/quality_view.cpp" line="307"/>
        <source>Accepted</source>
        <translation>接受</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="201"/>
        <location filename="../src/quality_view.cpp" line="307"/>
        <source>Fixed</source>
        <translation>修改</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="202"/>
        <location filename="../src/quality_view.cpp" line="308"/>
        <source>Rejected</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="211"/>
        <location filename="../src/quality_view.cpp" line="284"/>
        <source>suggestions</source>
        <translation>建议数</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="218"/>
        <source>Reliability: share correct by confidence</source>
        <translation>可靠性：各置信度区间的正确比例</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="219"/>
        <location filename="../src/quality_view.cpp" line="283"/>
        <source>confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="220"/>
        <source>share correct</source>
        <translation>正确比例</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="245"/>
        <source>Coverage against precision</source>
        <translation>覆盖率与精确率</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="246"/>
        <source>coverage</source>
        <translation>覆盖率</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="247"/>
        <source>precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="262"/>
        <source>Confidence histogram</source>
        <translation>置信度分布</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="264"/>
        <source>Correct</source>
        <translation>正确</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="265"/>
        <source>Wrong</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="266"/>
        <location filename="../src/quality_view.cpp" line="309"/>
        <source>Pending</source>
        <translation>待审核</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="299"/>
        <source>The report could not be written to %1: %2</source>
        <translation>无法将报告写入 %1：%2</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="306"/>
        <location filename="../src/quality_view.cpp" line="324"/>
        <source>Model quality</source>
        <translation>模型质量</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="307"/>
        <source>Attribute</source>
        <translation>属性</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="307"/>
        <source>Reviewed</source>
        <translation>已审核</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="308"/>
        <source>Precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="308"/>
        <source>Lower bound (95 %)</source>
        <translation>下限 (95%)</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="310"/>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="311"/>
        <source>&amp;Write report…</source>
        <translation>写出报告(&amp;W)…</translation>
    </message>
    <message>
        <location filename="../src/quality_view.cpp" line="325"/>
        <source>Open a catalogue first.</source>
        <translation>请先打开一个目录。</translation>
    </message>
</context>
<context>
    <name>vistag::ui::ReviewRulesPage</name>
    <message>
        <location filename="../src/review_rules_page.cpp" line="166"/>
        <source>%1 reviewed at or above it, %2 correct: precision at least %3 % (95 %)</source>
        <translation>阈值及以上已审核 %1 条，正确 %2 条：精确率至少 %3%（95% 置信）</translation>
    </message>
    <message>
        <location filename="../src/review_rules_page.cpp" line="173"/>
        <source>no rule</source>
        <translation>无规则</translation>
    </message>
    <message>
        <location filename="../src/review_rules_page.cpp" line="203"/>
        <source>Rules saved.</source>
        <translation>规则已保存。</translation>
    </message>
    <message>
        <location filename="../src/review_rules_page.cpp" line="212"/>
        <source>No enabled rule has a threshold yet: nothing was accepted.</source>
        <translation>启用的规则都还没有阈值：未接受任何建议。</translation>
    </message>
    <message numerus="yes">
        <location filename="../src/review_rules_page.cpp" line="224"/>
        <source>%n suggestions accepted by the rules (Undo last run takes them back).</source>
        <translation>
            <numerusform>规则接受了 %n 条建议（“撤销上次运行”可撤回）。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../src/review_rules_page.cpp" line="245"/>
        <source>%n suggestions are pending again (the rules&apos; run was undone).</source>
        <translation>
            <numerusform>%n 条建议恢复为待审核（规则的运行已撤销）。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../src/review_rules_page.cpp" line="248"/>
        <source>No run of the rules to undo.</source>
        <translation>没有可撤销的规则运行。</translation>
    </message>
    <message>
        <location filename="../src/review_rules_page.cpp" line="253"/>
        <location filename="../src/review_rules_page.cpp" line="280"/>
        <source>Review rules</source>
        <translation>审核规则</translation>
    </message>
    <message>
        <location filename="../src/review_rules_page.cpp" line="255"/>
        <source>A rule accepts an attribute&apos;s suggestions whose confidence is at or above a threshold measured on your own reviews: the lowest confidence at which at least the minimum number of reviewed suggestions reach the target precision with 95 % confidence. Accepts made by a rule are audited and do not count as reviews.</source>
        <translation>规则会自动接受某属性置信度不低于阈值的建议。阈值依据您自己的审核计算：在该置信度及以上，已审核的建议不少于最少审核数，且以 95% 置信度达到目标精确率的最低置信度。规则的接受会记入审计日志，且不计为审核。</translation>
    </message>
    <message>
        <location filename="../src/review_rules_page.cpp" line="260"/>
        <source>Attribute</source>
        <translation>属性</translation>
    </message>
    <message>
        <location filename="../src/review_rules_page.cpp" line="260"/>
        <source>On</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../src/review_rules_page.cpp" line="260"/>
        <source>Target precision</source>
        <translation>目标精确率</translation>
    </message>
    <message>
        <location filename="../src/review_rules_page.cpp" line="261"/>
        <source>Minimum reviews</source>
        <translation>最少审核数</translation>
    </message>
    <message>
        <location filename="../src/review_rules_page.cpp" line="261"/>
        <source>Threshold</source>
        <translation>阈值</translation>
    </message>
    <message>
        <location filename="../src/review_rules_page.cpp" line="262"/>
        <source>Would accept now</source>
        <translation>现在可接受</translation>
    </message>
    <message>
        <location filename="../src/review_rules_page.cpp" line="263"/>
        <source>Run the rules after every batch of tagging</source>
        <translation>每批打标完成后运行规则</translation>
    </message>
    <message>
        <location filename="../src/review_rules_page.cpp" line="264"/>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <location filename="../src/review_rules_page.cpp" line="265"/>
        <source>&amp;Accept now</source>
        <translation>立即接受(&amp;A)</translation>
    </message>
    <message>
        <location filename="../src/review_rules_page.cpp" line="266"/>
        <source>&amp;Undo last run</source>
        <translation>撤销上次运行(&amp;U)</translation>
    </message>
    <message>
        <location filename="../src/review_rules_page.cpp" line="281"/>
        <source>Open a catalogue first.</source>
        <translation>请先打开一个目录。</translation>
    </message>
    <message numerus="yes">
        <location filename="../src/review_rules_page.cpp" line="313"/>
        <source>%n suggestions accepted by the review rules.</source>
        <translation>
            <numerusform>审核规则接受了 %n 条建议。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vistag::ui::SettingsDialog</name>
    <message>
        <location filename="../src/settings_dialog.cpp" line="74"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="77"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="78"/>
        <source>Generation</source>
        <translation>生成</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="79"/>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="80"/>
        <location filename="../src/settings_dialog.cpp" line="293"/>
        <source>Catalogue</source>
        <translation>商品图库</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="81"/>
        <source>Interface</source>
        <translation>界面</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="83"/>
        <source>Shortcuts</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="96"/>
        <source>A model folder on this computer</source>
        <translation>本机上的模型文件夹</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="97"/>
        <source>An inference server (OpenAI-compatible)</source>
        <translation>推理服务器（兼容 OpenAI）</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="102"/>
        <source>a Qwen3-VL folder in Hugging Face layout</source>
        <translation>Hugging Face 格式的 Qwen3-VL 文件夹</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="103"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="104"/>
        <source>Choose a Qwen3-VL model folder</source>
        <translation>选择 Qwen3-VL 模型文件夹</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="108"/>
        <source>Automatic (GPU if there is one)</source>
        <translation>自动（有 GPU 时使用 GPU）</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="109"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="110"/>
        <source>GPU (CUDA)</source>
        <translation>GPU（CUDA）</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="114"/>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="121"/>
        <source>Backend</source>
        <translation>后端</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="122"/>
        <source>Model folder</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="123"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="124"/>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="125"/>
        <source>Automatic precision uses bfloat16 on a GPU and float32 on the CPU. Vistag reopens this model (or the server) when it starts.</source>
        <translation>自动精度在 GPU 上使用 bfloat16，在 CPU 上使用 float32。Vistag 启动时会重新打开此模型（或服务器）。</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="143"/>
        <source>about %1 × %1 pixels per image</source>
        <translation>每张图片约 %1 × %1 像素</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="167"/>
        <source>Above 1, words the model already wrote become less likely (1 = off).</source>
        <translation>大于 1 时，模型已经写过的词出现的可能性降低（1 = 关闭）。</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="176"/>
        <source>Subtracted from every word the model already wrote, as OpenAI defines it (0 = off).</source>
        <translation>按 OpenAI 的定义，从模型已经写过的每个词的分数中减去（0 = 关闭）。</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="178"/>
        <source>Only values from the taxonomy</source>
        <translation>只用分类体系中的取值</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="182"/>
        <source>The model answers every attribute with one of the taxonomy&apos;s values, with a confidence for each (a server may also answer &quot;unknown&quot;). Off: the model answers in its own words and Vistag looks for taxonomy terms in them.</source>
        <translation>模型为每个属性给出分类体系中的一个取值，并附带置信度（服务器也可能回答“unknown”）。关闭时：模型自由作答，Vistag 从回答中查找分类体系的词语。</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="190"/>
        <source>How many images tagging works on at once: requests sent to a server together, or images the local model decodes together. Each finished image is saved on its own.</source>
        <translation>打标签时同时处理的图片数：同时发给服务器的请求数，或本地模型一起解码的图片数。每张处理完的图片都会单独保存。</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="193"/>
        <source>Pixel budget</source>
        <translation>像素预算</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="194"/>
        <source>Longest answer (tokens)</source>
        <translation>最长回答（token 数）</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="195"/>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="196"/>
        <source>Repetition penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="197"/>
        <source>Presence penalty</source>
        <translation>出现惩罚</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="198"/>
        <source>Tagging</source>
        <translation>打标签</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="199"/>
        <source>Images in flight</source>
        <translation>同时处理的图片</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="200"/>
        <source>Images are scaled down to the pixel budget before the model sees them: smaller is faster and needs less memory. Temperature 0 always picks the most likely words (the same answer every time).</source>
        <translation>图片在交给模型前会缩小到像素预算以内：越小越快、占用内存越少。温度为 0 时总是选择可能性最大的词（每次回答相同）。</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="216"/>
        <source>the server&apos;s first model</source>
        <translation>服务器的第一个模型</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="225"/>
        <source>JSON schema (vLLM, SGLang, llama.cpp, LM Studio, OpenAI)</source>
        <translation>JSON schema（vLLM、SGLang、llama.cpp、LM Studio、OpenAI）</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="227"/>
        <source>JSON object (DashScope / Bailian)</source>
        <translation>JSON 对象（DashScope / 百炼）</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="228"/>
        <source>None: the taxonomy in the question only</source>
        <translation>不使用：只在问题中给出分类体系</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="232"/>
        <source>How tagging asks the server to answer with the taxonomy&apos;s values. Whatever is chosen, Vistag checks every answer against the taxonomy.</source>
        <translation>打标签时如何要求服务器只用分类体系中的取值作答。无论选择哪种方式，Vistag 都会按分类体系检查每个回答。</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="239"/>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="247"/>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="248"/>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="249"/>
        <source>Model name</source>
        <translation>模型名称</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="250"/>
        <source>Token-limit field</source>
        <translation>Token 上限字段</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="251"/>
        <source>Structured output</source>
        <translation>结构化输出</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="252"/>
        <source>Values per request</source>
        <translation>每次请求的取值数</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="253"/>
        <source>Schema characters per request</source>
        <translation>每次请求的结构字符数</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="254"/>
        <source>vLLM, SGLang, llama.cpp and Ollama read max_tokens; some hosted services want max_completion_tokens. The API key is stored in Vistag&apos;s settings file.</source>
        <translation>vLLM、SGLang、llama.cpp 和 Ollama 读取 max_tokens；部分云服务要求 max_completion_tokens。API 密钥保存在 Vistag 的设置文件中。</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="258"/>
        <source>Tagging sends the taxonomy as a JSON schema; DashScope&apos;s vision models take only a JSON object. A taxonomy with more values than one request may hold is asked in several requests (OpenAI: 1,000 values and 120,000 characters). Every answer is checked against the taxonomy.</source>
        <translation>打标签时把分类体系作为 JSON schema 发送；DashScope 的视觉模型只接受 JSON 对象。取值多于单次请求上限的分类体系会分几次请求（OpenAI：1,000 个取值、120,000 个字符）。每个回答都会按分类体系检查。</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="269"/>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="275"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="276"/>
        <source>Changing the language builds the window again; the model is loaded again and the catalogue stays as it is.</source>
        <translation>更改语言后窗口会重新建立；模型会重新加载，图片目录保持不变。</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="290"/>
        <source>A catalogue file, or a team catalogue on PostgreSQL: postgresql://user@server:5432/database. The password comes from ~/.pgpass or the PGPASSWORD environment variable; Vistag does not store it.</source>
        <translation>图库文件，或 PostgreSQL 上的团队图库：postgresql://用户@服务器:5432/数据库。密码来自 ~/.pgpass 或 PGPASSWORD 环境变量，Vistag 不保存密码。</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="294"/>
        <source>File…</source>
        <translation>文件…</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="295"/>
        <source>Catalogue file</source>
        <translation>图库文件</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="296"/>
        <source>Catalogue (*.sqlite)</source>
        <translation>图库 (*.sqlite)</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="300"/>
        <source>The password in this address is used now and not kept: put it in ~/.pgpass or the PGPASSWORD environment variable.</source>
        <translation>此地址中的密码只在本次使用，不会保存：请把它写入 ~/.pgpass 或 PGPASSWORD 环境变量。</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="315"/>
        <source>None: image paths are kept as they are</source>
        <translation>无：图片路径按原样保存</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="317"/>
        <source>Where the team&apos;s shared image folder is on this computer (e.g. /mnt/shop). Images under it are stored relative to it, so every workstation finds them through its own mapping.</source>
        <translation>团队共享图片文件夹在本机上的位置（例如 /mnt/shop）。其中的图片按相对路径保存，每台工作站通过自己的映射找到它们。</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="321"/>
        <source>Folder…</source>
        <translation>文件夹…</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="438"/>
        <source>Taxonomy</source>
        <translation>分类体系</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="320"/>
        <location filename="../src/settings_dialog.cpp" line="322"/>
        <source>Shared image folder</source>
        <translation>共享图片文件夹</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="288"/>
        <source>Default: %1</source>
        <translation>默认：%1</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="328"/>
        <source>The name the audit log records for your decisions.</source>
        <translation>审计日志中记录您的决定时使用的名字。</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="329"/>
        <source>Your name</source>
        <translation>您的名字</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="330"/>
        <source>A team points every workstation at one PostgreSQL catalogue and one shared image folder. Changing the catalogue opens the window again on it.</source>
        <translation>团队中的每台工作站都指向同一个 PostgreSQL 图库和同一个共享图片文件夹。更换图库后，窗口会在新图库上重新打开。</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="342"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="342"/>
        <source>Shortcut</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="342"/>
        <source>Alternative</source>
        <translation>备用快捷键</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="365"/>
        <source>Reset to defaults</source>
        <translation>恢复默认</translation>
    </message>
    <message>
        <location filename="../src/settings_dialog.cpp" line="374"/>
        <source>Click a cell and press the new keys; the clear button removes them.</source>
        <translation>点击单元格并按下新的按键；清除按钮可删除快捷键。</translation>
    </message>
</context>
<context>
    <name>vistag::ui::ShareDialog</name>
    <message>
        <location filename="../src/share_dialog.cpp" line="88"/>
        <source>Share this model</source>
        <translation>共享此模型</translation>
    </message>
    <message>
        <location filename="../src/share_dialog.cpp" line="90"/>
        <source>127.0.0.1: only this computer. 0.0.0.0: every network this computer is on.</source>
        <translation>127.0.0.1：仅本机。0.0.0.0：本机所在的所有网络。</translation>
    </message>
    <message>
        <location filename="../src/share_dialog.cpp" line="92"/>
        <source>any free port</source>
        <translation>任意空闲端口</translation>
    </message>
    <message>
        <location filename="../src/share_dialog.cpp" line="93"/>
        <source>none: no key needed</source>
        <translation>留空：无需密钥</translation>
    </message>
    <message>
        <location filename="../src/share_dialog.cpp" line="94"/>
        <source>every address, or e.g. 10.0.0.0/8, 192.168.1.20</source>
        <translation>所有地址，或如 10.0.0.0/8、192.168.1.20</translation>
    </message>
    <message>
        <location filename="../src/share_dialog.cpp" line="95"/>
        <source>Start sharing</source>
        <translation>开始共享</translation>
    </message>
    <message>
        <location filename="../src/share_dialog.cpp" line="96"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../src/share_dialog.cpp" line="98"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../src/share_dialog.cpp" line="99"/>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location filename="../src/share_dialog.cpp" line="100"/>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location filename="../src/share_dialog.cpp" line="101"/>
        <source>Allowed clients</source>
        <translation>允许的客户端</translation>
    </message>
    <message>
        <location filename="../src/share_dialog.cpp" line="102"/>
        <source>Waiting requests</source>
        <translation>排队请求数</translation>
    </message>
    <message>
        <location filename="../src/share_dialog.cpp" line="108"/>
        <source>Other computers (or any OpenAI-compatible client) can use the model loaded here. Their requests take turns with yours; the model is not loaded twice.</source>
        <translation>其他电脑（或任何兼容 OpenAI 的客户端）可以使用这里已加载的模型。它们的请求与您的请求轮流执行；模型不会重复加载。</translation>
    </message>
    <message>
        <location filename="../src/share_dialog.cpp" line="135"/>
        <source>“%1” is not an IP address (e.g. 127.0.0.1 or 0.0.0.0).</source>
        <translation>“%1”不是 IP 地址（例如 127.0.0.1 或 0.0.0.0）。</translation>
    </message>
    <message>
        <location filename="../src/share_dialog.cpp" line="138"/>
        <source>Warning: %1 can be reached from other computers and no API key is set, so anyone on the network can use this model. Set an API key or an allow-list.</source>
        <translation>警告：其他电脑可以访问 %1，且未设置 API 密钥，网络上的任何人都能使用此模型。请设置 API 密钥或允许列表。</translation>
    </message>
    <message>
        <location filename="../src/share_dialog.cpp" line="158"/>
        <source>Sharing %1. Clients use this address as their server (the OpenAI base URL):</source>
        <translation>正在共享 %1。客户端请将此地址用作服务器地址（OpenAI base URL）：</translation>
    </message>
    <message>
        <location filename="../src/share_dialog.cpp" line="167"/>
        <source>Load a local model first: only a model running on this computer can be shared.</source>
        <translation>请先加载本地模型：只有在这台电脑上运行的模型才能共享。</translation>
    </message>
    <message>
        <location filename="../src/share_dialog.cpp" line="172"/>
        <source>Not shared.</source>
        <translation>未共享。</translation>
    </message>
    <message>
        <location filename="../src/share_dialog.cpp" line="184"/>
        <source>“%1” is not an IP address.</source>
        <translation>“%1”不是 IP 地址。</translation>
    </message>
    <message>
        <location filename="../src/share_dialog.cpp" line="193"/>
        <source>“%1” in the allowed clients is not an address or a network such as 10.0.0.0/8.</source>
        <translation>允许的客户端中的“%1”不是地址，也不是 10.0.0.0/8 这样的网段。</translation>
    </message>
    <message>
        <location filename="../src/share_dialog.cpp" line="210"/>
        <source>Sharing could not start: %1</source>
        <translation>无法开始共享：%1</translation>
    </message>
    <message>
        <location filename="../src/share_dialog.cpp" line="217"/>
        <source>Stopped; the port is free again.</source>
        <translation>已停止；端口已释放。</translation>
    </message>
</context>
<context>
    <name>vistag::ui::ShortcutMap</name>
    <message>
        <location filename="../src/shortcut_map.cpp" line="200"/>
        <source>%1 is used by: %2</source>
        <translation>%1 已被以下操作使用：%2</translation>
    </message>
</context>
<context>
    <name>vistag::ui::StartPage</name>
    <message>
        <location filename="../src/start_page.cpp" line="99"/>
        <source>This build of Vistag talks to servers only: it has no local engine to run a model folder. Connect to an OpenAI-compatible server, such as a colleague&apos;s Vistag or a vLLM server. (The full vistag package runs models on this computer.)</source>
        <translation>此版本的 Vistag 只连接服务器：它没有本地引擎，不能运行模型文件夹。请连接一个 OpenAI 兼容的服务器，例如同事的 Vistag 或 vLLM 服务器。（完整的 vistag 软件包可在本机运行模型。）</translation>
    </message>
    <message>
        <location filename="../src/start_page.cpp" line="84"/>
        <source>Welcome to Vistag</source>
        <translation>欢迎使用 Vistag</translation>
    </message>
    <message>
        <location filename="../src/start_page.cpp" line="86"/>
        <source>Review product images with Qwen3-VL: drop images, ask questions, and check the suggested tags before they are stored and exported. First, tell Vistag which model to use.</source>
        <translation>用 Qwen3-VL 审核商品图片：拖入图片、提出问题，并在保存和导出之前核对建议的标签。首先，请告诉 Vistag 使用哪个模型。</translation>
    </message>
    <message>
        <location filename="../src/start_page.cpp" line="92"/>
        <source>Use a model folder</source>
        <translation>使用模型文件夹</translation>
    </message>
    <message>
        <location filename="../src/start_page.cpp" line="93"/>
        <source>A Qwen3-VL folder in Hugging Face layout on this computer</source>
        <translation>本机上 Hugging Face 格式的 Qwen3-VL 文件夹</translation>
    </message>
    <message>
        <location filename="../src/start_page.cpp" line="94"/>
        <source>Download a model</source>
        <translation>下载模型</translation>
    </message>
    <message>
        <location filename="../src/start_page.cpp" line="94"/>
        <source>From Hugging Face, ModelScope or a mirror</source>
        <translation>从 Hugging Face、魔搭 ModelScope 或镜像站下载</translation>
    </message>
    <message>
        <location filename="../src/start_page.cpp" line="95"/>
        <source>Connect to a server</source>
        <translation>连接服务器</translation>
    </message>
    <message>
        <location filename="../src/start_page.cpp" line="96"/>
        <source>An OpenAI-compatible server such as vLLM or a Vistag server</source>
        <translation>兼容 OpenAI 的服务器，例如 vLLM 或 Vistag 服务器</translation>
    </message>
</context>
<context>
    <name>vistag::ui::TagEditor</name>
    <message>
        <location filename="../src/tag_editor.cpp" line="156"/>
        <source>suggested</source>
        <translation>待审核</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="158"/>
        <source>accepted</source>
        <translation>已接受</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="160"/>
        <source>rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="240"/>
        <source>Tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="240"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="240"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="242"/>
        <source>Keys 1–9 pick option N of the focused attribute: its N-th allowed value in the taxonomy, as numbered below the list (a single-valued attribute keeps only that value). F2 renames (fixes) the focused tag, Del deletes the selected tags, Alt+A adds a tag, Ctrl+Z / Ctrl+Y undo and redo.</source>
        <translation>数字键 1–9 选择当前属性的第 N 个选项：即分类体系中该属性的第 N 个允许取值，编号显示在列表下方（单值属性只保留所选取值）。F2 重命名（修正）当前标签，Del 删除所选标签，Alt+A 添加标签，Ctrl+Z / Ctrl+Y 撤销和重做。</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="246"/>
        <source>Add a tag, e.g. 风格: 波西米亚 or colour: red (Alt+A)</source>
        <translation>添加标签，例如 风格: 波西米亚 或 颜色: 红色（Alt+A）</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="266"/>
        <location filename="../src/tag_editor.cpp" line="356"/>
        <location filename="../src/tag_editor.cpp" line="619"/>
        <source>Rename tag</source>
        <translation>重命名标签</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="266"/>
        <location filename="../src/tag_editor.cpp" line="361"/>
        <source>Delete tag</source>
        <translation>删除标签</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="267"/>
        <location filename="../src/tag_editor.cpp" line="371"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="268"/>
        <location filename="../src/tag_editor.cpp" line="376"/>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="276"/>
        <location filename="../src/tag_editor.cpp" line="383"/>
        <source>Pick option %1</source>
        <translation>选择第 %1 个选项</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="286"/>
        <source>No image selected</source>
        <translation>未选择图片</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="288"/>
        <source>Click an image in the grid to see and edit its tags.</source>
        <translation>在网格中点击一张图片以查看和编辑其标签。</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="300"/>
        <source>Product %1: its views share these tags</source>
        <translation>商品 %1：其各视图共享这些标签</translation>
    </message>
    <message numerus="yes">
        <location filename="../src/tag_editor.cpp" line="302"/>
        <source>%n images selected: only this one is edited here (bulk edits are in the Tags menu)</source>
        <translation>
            <numerusform>已选择 %n 张图片：这里只编辑这一张（批量编辑在“标签”菜单中）</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="307"/>
        <source>Tagging failed: %1</source>
        <translation>打标失败：%1</translation>
    </message>
    <message>
        <location filename="../src/tag_editor_scope.cpp" line="61"/>
        <source>Taxonomy</source>
        <translation>分类体系</translation>
    </message>
    <message>
        <location filename="../src/tag_editor_scope.cpp" line="62"/>
        <source>Browse the taxonomy: categories, their attributes, values</source>
        <translation>浏览分类体系：类目、类目的属性、取值</translation>
    </message>
    <message>
        <location filename="../src/tag_editor_scope.cpp" line="65"/>
        <source>Category: %1 — change…</source>
        <translation>类目：%1 — 更改…</translation>
    </message>
    <message>
        <location filename="../src/tag_editor_scope.cpp" line="66"/>
        <source>Category: none — choose…</source>
        <translation>类目：未设置 — 选择…</translation>
    </message>
    <message>
        <location filename="../src/tag_editor_scope.cpp" line="69"/>
        <source>Choose the product&apos;s category: the list then shows only the attributes that apply to it</source>
        <translation>选择商品的类目：列表随后只显示适用于该类目的属性</translation>
    </message>
    <message numerus="yes">
        <location filename="../src/tag_editor_scope.cpp" line="72"/>
        <location filename="../src/tag_editor_scope.cpp" line="131"/>
        <source>Drop %n tag(s) that do not apply</source>
        <translation>
            <numerusform>删除 %n 个不适用的标签</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../src/tag_editor_scope.cpp" line="108"/>
        <source>Category: %1</source>
        <translation>类目：%1</translation>
    </message>
    <message>
        <location filename="../src/tag_editor_scope.cpp" line="201"/>
        <source>%1 — does not apply to %2</source>
        <translation>%1 — 不适用于%2</translation>
    </message>
    <message>
        <location filename="../src/tag_editor_scope.cpp" line="204"/>
        <source>%1 is not an attribute of %2: drop these tags with the button below the list</source>
        <translation>%1 不是%2的属性：可用列表下方的按钮删除这些标签</translation>
    </message>
    <message>
        <location filename="../src/tag_editor_scope.cpp" line="232"/>
        <source>The model gave only %1% of its probability to the taxonomy&apos;s values here: it may have wanted to say something the taxonomy does not have.</source>
        <translation>模型在这里只把 %1% 的概率给了分类体系中的取值：它可能想说分类体系里没有的东西。</translation>
    </message>
    <message>
        <location filename="../src/tag_editor_scope.cpp" line="237"/>
        <source>Calibrated on this catalogue&apos;s reviews of %1; the model&apos;s own confidence: %2</source>
        <translation>按本目录中 %1 的审核结果校准；模型自身的置信度：%2</translation>
    </message>
    <message>
        <location filename="../src/tag_editor_scope.cpp" line="252"/>
        <source>%1 by %2, %3</source>
        <translation>%2 于 %3 %1</translation>
    </message>
    <message>
        <location filename="../src/tag_editor_scope.cpp" line="257"/>
        <source>Accepted by rule</source>
        <translation>规则已接受</translation>
    </message>
    <message>
        <location filename="../src/tag_editor_scope.cpp" line="259"/>
        <source>Accepted by the review rule for %1: confidence %2 is at or above its threshold %3 (target precision %4 %, at least %5 reviews); run %6 by %7, %8</source>
        <translation>由 %1 的审核规则接受：置信度 %2 不低于阈值 %3（目标精确率 %4%，至少 %5 条审核）；第 %6 次运行，%7，%8</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="545"/>
        <source>Select an image first, then add the tag.</source>
        <translation>请先选择一张图片，再添加标签。</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="597"/>
        <source>This tag no longer exists.</source>
        <translation>该标签已不存在。</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="603"/>
        <source>“%1” is not a value of %2</source>
        <translation>“%1”不是%2的取值</translation>
    </message>
    <message numerus="yes">
        <location filename="../src/tag_editor.cpp" line="648"/>
        <source>Delete %n tag(s)</source>
        <translation>
            <numerusform>删除 %n 个标签</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="659"/>
        <source>Focus an attribute first (arrow keys), then press 1–9.</source>
        <translation>请先（用方向键）选中一个属性，再按 1–9。</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="664"/>
        <source>%1 has no option %2</source>
        <translation>%1没有第 %2 个选项</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="676"/>
        <source>Pick %1: %2</source>
        <translation>选择 %1：%2</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="261"/>
        <location filename="../src/tag_editor.cpp" line="508"/>
        <source>Accept</source>
        <translation>接受</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="262"/>
        <location filename="../src/tag_editor.cpp" line="511"/>
        <source>Reject</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="263"/>
        <location filename="../src/tag_editor.cpp" line="521"/>
        <source>Accept all</source>
        <translation>全部接受</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="264"/>
        <source>Accept every suggestion of this image (Ctrl+Enter)</source>
        <translation>接受这张图片的全部建议（Ctrl+Enter）</translation>
    </message>
    <message>
        <location filename="../src/tag_editor_scope.cpp" line="215"/>
        <source> (new value)</source>
        <translation>（新值）</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="439"/>
        <source>%1 — keys: %2</source>
        <translation>%1 — 按键：%2</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="529"/>
        <source>Write the attribute, a colon and the value, e.g. 风格: 波西米亚</source>
        <translation>请写属性、冒号和值，例如 风格: 波西米亚</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="536"/>
        <source>Unknown attribute “%1”</source>
        <translation>未知属性“%1”</translation>
    </message>
    <message>
        <location filename="../src/tag_editor.cpp" line="267"/>
        <location filename="../src/tag_editor.cpp" line="366"/>
        <location filename="../src/tag_editor.cpp" line="552"/>
        <location filename="../src/tag_editor.cpp" line="565"/>
        <source>Add tag</source>
        <translation>添加标签</translation>
    </message>
</context>
<context>
    <name>vistag::ui::TaxonomyBrowser</name>
    <message>
        <location filename="../src/taxonomy_browser.cpp" line="93"/>
        <source>Taxonomy</source>
        <translation>分类体系</translation>
    </message>
    <message>
        <location filename="../src/taxonomy_browser.cpp" line="94"/>
        <source>Search categories</source>
        <translation>搜索类目</translation>
    </message>
    <message>
        <location filename="../src/taxonomy_browser.cpp" line="96"/>
        <source>Categories</source>
        <translation>类目</translation>
    </message>
    <message>
        <location filename="../src/taxonomy_browser.cpp" line="97"/>
        <source>Attributes</source>
        <translation>属性</translation>
    </message>
    <message>
        <location filename="../src/taxonomy_browser.cpp" line="98"/>
        <location filename="../src/taxonomy_browser.cpp" line="189"/>
        <source>Values</source>
        <translation>取值</translation>
    </message>
    <message>
        <location filename="../src/taxonomy_browser.cpp" line="104"/>
        <source>(unnamed)</source>
        <translation>（未命名）</translation>
    </message>
    <message>
        <location filename="../src/taxonomy_browser.cpp" line="105"/>
        <source>%1: %2 categories, %3 attributes, %4 values; languages: %5</source>
        <translation>%1：%2 个类目，%3 个属性，%4 个取值；语言：%5</translation>
    </message>
    <message>
        <location filename="../src/taxonomy_browser.cpp" line="152"/>
        <source>Choose a category to see the attributes that apply to it.</source>
        <translation>选择一个类目，查看适用于它的属性。</translation>
    </message>
    <message>
        <location filename="../src/taxonomy_browser.cpp" line="159"/>
        <source>several values allowed</source>
        <translation>可有多个取值</translation>
    </message>
    <message>
        <location filename="../src/taxonomy_browser.cpp" line="161"/>
        <source>export column: %1</source>
        <translation>导出列：%1</translation>
    </message>
    <message>
        <location filename="../src/taxonomy_browser.cpp" line="168"/>
        <source>Attributes (%1)</source>
        <translation>属性（%1）</translation>
    </message>
    <message>
        <location filename="../src/taxonomy_browser.cpp" line="182"/>
        <source>also: %1</source>
        <translation>又称：%1</translation>
    </message>
    <message>
        <location filename="../src/taxonomy_browser.cpp" line="186"/>
        <source>Values of %1 (%2)</source>
        <translation>%1的取值（%2）</translation>
    </message>
</context>
<context>
    <name>vistag::ui::TaxonomyPage</name>
    <message>
        <location filename="../src/settings_taxonomy_page.cpp" line="80"/>
        <source>Open a taxonomy</source>
        <translation>打开分类体系</translation>
    </message>
    <message>
        <location filename="../src/settings_taxonomy_page.cpp" line="81"/>
        <source>Taxonomy (*.json);;All files (*)</source>
        <translation>分类体系 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../src/settings_taxonomy_page.cpp" line="87"/>
        <source>Shopify&apos;s taxonomy folder (dist, with en/categories.json)</source>
        <translation>Shopify 分类体系文件夹（dist，含 en/categories.json）</translation>
    </message>
    <message>
        <location filename="../src/settings_taxonomy_page.cpp" line="119"/>
        <source>Open a taxonomy file…</source>
        <translation>打开分类体系文件…</translation>
    </message>
    <message>
        <location filename="../src/settings_taxonomy_page.cpp" line="120"/>
        <source>Import Shopify&apos;s taxonomy…</source>
        <translation>导入 Shopify 分类体系…</translation>
    </message>
    <message>
        <location filename="../src/settings_taxonomy_page.cpp" line="122"/>
        <source>The dist folder of github.com/Shopify/product-taxonomy: en/categories.json and en/attributes.json, other languages where present</source>
        <translation>github.com/Shopify/product-taxonomy 的 dist 文件夹：en/categories.json 和 en/attributes.json，其他语言（如有）一并读取</translation>
    </message>
    <message>
        <location filename="../src/settings_taxonomy_page.cpp" line="124"/>
        <source>Built-in apparel</source>
        <translation>内置服装分类</translation>
    </message>
    <message>
        <location filename="../src/settings_taxonomy_page.cpp" line="125"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../src/settings_taxonomy_page.cpp" line="126"/>
        <source>Problems found in the file are listed here.</source>
        <translation>文件中发现的问题列在这里。</translation>
    </message>
    <message>
        <location filename="../src/settings_taxonomy_page.cpp" line="127"/>
        <source>Tagging uses the chosen taxonomy from OK on; images keep their tags.</source>
        <translation>点击“确定”后，打标签使用所选分类体系；图片已有的标签保留。</translation>
    </message>
    <message>
        <location filename="../src/settings_taxonomy_page.cpp" line="141"/>
        <source>In use: the built-in apparel taxonomy</source>
        <translation>正在使用：内置服装分类体系</translation>
    </message>
    <message>
        <location filename="../src/settings_taxonomy_page.cpp" line="142"/>
        <source>In use: %1 (%2)</source>
        <translation>正在使用：%1（%2）</translation>
    </message>
    <message>
        <location filename="../src/settings_taxonomy_page.cpp" line="150"/>
        <source>%1 categories, %2 attributes, %3 values; languages: %4</source>
        <translation>%1 个类目，%2 个属性，%3 个取值；语言：%4</translation>
    </message>
    <message>
        <location filename="../src/settings_taxonomy_page.cpp" line="171"/>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <location filename="../src/settings_taxonomy_page.cpp" line="179"/>
        <source>Reading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <location filename="../src/settings_taxonomy_page.cpp" line="202"/>
        <source>No problems found.</source>
        <translation>未发现问题。</translation>
    </message>
    <message>
        <location filename="../src/settings_taxonomy_page.cpp" line="230"/>
        <source>%1: cannot write the taxonomy: %2</source>
        <translation>%1：无法写入分类体系：%2</translation>
    </message>
    <message>
        <location filename="../src/settings_taxonomy_page.cpp" line="237"/>
        <source>Shopify release %1, languages: %2</source>
        <translation>Shopify 版本 %1，语言：%2</translation>
    </message>
</context>
</TS>
